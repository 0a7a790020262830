import Foundation
import Testing

@testable import FTDModel
@testable import FTDStore
@testable import FTDTerminal

struct HistoryQueryTests {
    typealias S = StoreSample

    static func database(with jobs: [FineTuningJob], steps: [LossStep] = []) throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        _ = try database.record(cycle: CycleRecord(observedAt: 1, jobs: jobs, steps: steps))
        return database
    }

    @Test func summariesAreNewestFirstWithStepCountAndLastLoss() throws {
        let database = try Self.database(
            with: [
                S.job("ftjob-old", "succeeded", createdAt: 100),
                S.job("ftjob-new", "running", createdAt: 300),
                S.job("ftjob-tie-a", "failed", createdAt: 200),
                S.job("ftjob-tie-b", "succeeded", createdAt: 200),
            ],
            steps: [
                LossStep(jobID: "ftjob-old", step: 2, trainLoss: 0.5),
                LossStep(jobID: "ftjob-old", step: 10, trainLoss: 0.0012),
                LossStep(jobID: "ftjob-old", step: 3, trainLoss: 0.4),
            ])
        let summaries = try database.jobSummaries()
        #expect(summaries.map(\.id) == ["ftjob-new", "ftjob-tie-b", "ftjob-tie-a", "ftjob-old"])
        #expect(summaries.last?.steps == 3)
        #expect(summaries.last?.lastTrainLoss == 0.0012)
        #expect(summaries.first?.steps == 0)
        #expect(summaries.first?.lastTrainLoss == nil)

        #expect(
            try database.jobSummaries(status: "succeeded").map(\.id) == ["ftjob-tie-b", "ftjob-old"])
        #expect(try database.jobSummaries(status: "paused").isEmpty)
        #expect(try database.jobSummaries(limit: 2).map(\.id) == ["ftjob-new", "ftjob-tie-b"])
        #expect(try database.jobSummaries(status: "succeeded", limit: 1).map(\.id) == ["ftjob-tie-b"])
    }

    @Test func laterCyclesKeepTheStoredStepCountAndLastLoss() throws {
        let database = try Self.database(
            with: [S.job("ftjob-a", "running", createdAt: 100)],
            steps: [LossStep(jobID: "ftjob-a", step: 1, trainLoss: 1.5)])
        // Step 1 again (seen twice by the API), then two new ones, the highest in the middle.
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 2, jobs: [S.job("ftjob-a", "running", createdAt: 100)],
                steps: [
                    LossStep(jobID: "ftjob-a", step: 1, trainLoss: 1.5),
                    LossStep(jobID: "ftjob-a", step: 5, trainLoss: 0.25),
                    LossStep(jobID: "ftjob-a", step: 4, trainLoss: 0.5),
                ]))
        let summary = try #require(try database.jobSummaries().first)
        #expect(summary.steps == 3)
        #expect(summary.lastTrainLoss == 0.25)
    }

    struct Resolution: Sendable {
        var input: String
        var expected: Result<String, StoreError>
    }

    static let resolutions: [Resolution] = [
        Resolution(input: "ftjob-abc123", expected: .success("ftjob-abc123")),
        Resolution(input: "abc", expected: .success("ftjob-abc123")),
        Resolution(input: "ftjob-abc", expected: .success("ftjob-abc123")),
        Resolution(input: "abd", expected: .success("ftjob-abd999")),
        Resolution(input: "xyz", expected: .failure(.unknownJob(input: "xyz"))),
        Resolution(input: "", expected: .failure(.unknownJob(input: ""))),
        Resolution(
            input: "ftjob-",
            expected: .failure(
                .ambiguousJob(
                    input: "ftjob-", candidates: ["ftjob-abc123", "ftjob-abd999", "ftjob-zz", "ftjob-zzz"]))),
        Resolution(
            input: "ab",
            expected: .failure(.ambiguousJob(input: "ab", candidates: ["ftjob-abc123", "ftjob-abd999"]))),
        // A full id that is also a prefix of another still names itself.
        Resolution(input: "ftjob-zz", expected: .success("ftjob-zz")),
    ]

    @Test(arguments: resolutions)
    func resolvesJobIDs(_ resolution: Resolution) throws {
        let database = try Self.database(with: [
            S.job("ftjob-abc123", "running"), S.job("ftjob-abd999", "running"),
            S.job("ftjob-zz", "running"),
            S.job("ftjob-zzz", "running"),
        ])
        switch resolution.expected {
        case .success(let id): #expect(try database.resolveJobID(resolution.input) == id)
        case .failure(let error):
            #expect(throws: error) { try database.resolveJobID(resolution.input) }
        }
    }

    @Test func anAmbiguousPrefixListsTheCandidates() {
        let message = StoreError.ambiguousJob(input: "ab", candidates: ["ftjob-abc", "ftjob-abd"])
            .description
        #expect(message.contains("ftjob-abc, ftjob-abd"))
    }

    /// `ftd history JOB` shows the newest events and how many there are; `--json` all of
    /// them, in the order they happened (SPEC section 6), equal seconds included.
    @Test func theDetailCanReadOnlyTheNewestEventsAndStillCountThemAll() throws {
        let database = try AppDatabase.inMemory()
        var cycle = CycleRecord(observedAt: 1, jobs: [S.job("ftjob-a", "running")])
        // Newest first, as the API sends them; two share each second.
        cycle.events["ftjob-a"] = (0..<12).reversed().map {
            S.event("ftevent-\($0)", job: "ftjob-a", at: 100 + Int64($0 / 2))
        }
        _ = try database.record(cycle: cycle)

        let all = try database.jobDetail(id: "ftjob-a")
        #expect(all.events.map(\.id) == (0..<12).map { "ftevent-\($0)" })
        #expect(all.eventCount == 12)
        let newest = try database.jobDetail(id: "ftjob-a", latestEvents: 5)
        #expect(newest.events.map(\.id) == (7..<12).map { "ftevent-\($0)" })
        #expect(newest.eventCount == 12)
        #expect(
            JobDetailView.render(newest, options: HistoryRenderOptions(now: 200), eventCount: 5)
                .contains("Last 5 of 12 events"))
    }

    /// `ftd history JOB` reads the steps as a chart draws them (`curve`): the view is the
    /// one drawn from every step, non-finite losses and validation losses included.
    @Test func theDetailsCurveDrawsAsItsSteps() throws {
        var steps = (1...300).map { step in
            LossStep(
                jobID: "ftjob-a", step: step, totalSteps: 300, trainLoss: 2 / Double(step),
                validLoss: step % 50 == 0 ? 3 / Double(step) : nil)
        }
        steps[10].trainLoss = .nan
        steps[20].validLoss = .infinity
        steps[30].trainLoss = nil
        let database = try Self.database(with: [S.job("ftjob-a", "running")], steps: steps)
        let key = JobKey(account: DefaultAccount.name, id: "ftjob-a")
        let whole = try database.jobDetail(job: key, latestEvents: 8, steps: .all)
        let curve = try database.jobDetail(job: key, latestEvents: 8, steps: .curve)
        #expect(curve.steps.isEmpty && whole.curve == nil)
        #expect(curve.curve?.count == 300 && curve.curve?.final?.totalSteps == 300)
        for width in [40, 80, 200] {
            let options = HistoryRenderOptions(width: width, now: 200)
            #expect(
                JobDetailView.render(curve, options: options) == JobDetailView.render(whole, options: options)
            )
        }
    }

    @Test func anUnknownJobHasNoDetail() throws {
        let database = try AppDatabase.inMemory()
        #expect(throws: StoreError.unknownJob(input: "ftjob-nope")) {
            try database.jobDetail(id: "ftjob-nope")
        }
    }

    @Test(arguments: try Fixtures.names(withSuffix: ".json").filter { $0.hasPrefix("job-") })
    func storesEachFixtureJobWithItsRawJSON(_ name: String) throws {
        let raw = try JSONValue.parse(Fixtures.data(name))
        let error = raw["error"].flatMap { value -> JobError? in
            let code = value["code"]?.stringValue
            let message = value["message"]?.stringValue
            let param = value["param"]?.stringValue
            return code == nil && message == nil && param == nil
                ? nil : JobError(code: code, message: message, param: param)
        }
        let job = FineTuningJob(
            id: try #require(raw["id"]?.stringValue), status: try #require(raw["status"]?.stringValue),
            model: raw["model"]?.stringValue, createdAt: raw["created_at"]?.int64Value,
            finishedAt: raw["finished_at"]?.int64Value,
            fineTunedModel: raw["fine_tuned_model"]?.stringValue,
            trainedTokens: raw["trained_tokens"]?.int64Value,
            estimatedFinish: raw["estimated_finish"]?.int64Value,
            trainingFile: raw["training_file"]?.stringValue,
            validationFile: raw["validation_file"]?.stringValue,
            suffix: raw["suffix"]?.stringValue, error: error, raw: raw)
        let database = try AppDatabase.inMemory()
        _ = try database.record(cycle: CycleRecord(observedAt: 5, jobs: [job]))

        let stored = try database.writer.read { db in
            try JobRecord.fetchOne(db, key: ["account": "default", "id": job.id])
        }
        #expect(try JSONValue.parse(Data(try #require(stored?.rawJSON).utf8)) == raw)
        let detail = try database.jobDetail(id: job.id)
        #expect(detail.summary.status == job.status)
        #expect(detail.summary.error == error)
        let json = HistoryJSON.detail(detail, prices: PriceBook()).rendered(pretty: false)
        #expect(try JSONValue.parse(Data(json.utf8))["job"]?["status"] == raw["status"])
        #expect(
            JobTableView.render([detail.summary], options: HistoryRenderOptions(now: 1_800_000_000))
                .split(separator: "\n").allSatisfy { $0.count <= 80 })
    }
}

/// `step_summaries` is kept by triggers, whoever writes the steps (`step_rows`): a person
/// with `sqlite3` writes them without knowing the table.
struct StepSummaryTriggerTests {
    @Test func stepsWrittenWithPlainSQLKeepTheSummary() throws {
        let database = try HistoryQueryTests.database(with: [
            StoreSample.job("ftjob-a", "running", createdAt: 1)
        ])
        func summary() throws -> JobSummary { try #require(try database.jobSummaries().first) }
        try database.writer.write { db in
            try db.execute(
                sql:
                    """
                    INSERT INTO job_keys (account, id) VALUES ('default', 'ftjob-a');
                    INSERT INTO step_rows (job_key, step, train_loss) VALUES (1, 2, 0.5), (1, 1, 0.9)
                    """
            )
        }
        #expect(try summary().steps == 2)
        #expect(try summary().lastTrainLoss == 0.5)
        // A later value for the highest step, then a value for a lower one.
        try database.writer.write { db in
            try db.execute(sql: "UPDATE step_rows SET train_loss = 0.4 WHERE job_key = 1 AND step = 2")
            try db.execute(sql: "UPDATE step_rows SET train_loss = 0.8 WHERE job_key = 1 AND step = 1")
        }
        #expect(try summary().lastTrainLoss == 0.4)
        try database.writer.write { db in
            try db.execute(sql: "DELETE FROM step_rows WHERE job_key = 1 AND step = 2")
        }
        #expect(try summary().steps == 1)
        #expect(try summary().lastTrainLoss == 0.8)
    }
}
