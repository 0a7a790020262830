import Foundation
import Testing

@testable import FTDConfig
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// A store backend under test: a fresh, empty store, and a way to open the same data
/// again (as a restarted daemon would).
struct StoreBackend: Sendable, CustomTestStringConvertible {
    let name: String
    let make:
        @Sendable () async throws -> (store: any JobStore, reopen: @Sendable () async throws -> any JobStore)

    var testDescription: String { name }

    /// Every backend ftd ships: each one runs the whole suite. PostgreSQL's only when a
    /// server is there to run it against (`FTD_TEST_POSTGRES_URL`, which the test command
    /// starts); without one, its tests say so and are skipped.
    static let all: [StoreBackend] = [.sqlite, .postgres]

    static let sqlite = StoreBackend(name: "SQLite") {
        let path = try StoreSample.temporaryDirectory().appendingPathComponent("ftd.sqlite3").path
        let open: @Sendable () async throws -> any JobStore = {
            SQLiteStore(try AppDatabase.open(path: path, groupReadable: false, logger: StoreSample.logger))
        }
        return (try await open(), open)
    }

    /// A schema of its own for each store, in the test server's database.
    static let postgres = StoreBackend(name: "PostgreSQL") {
        let server = try TestPostgres.required()
        let schema = try await server.freshSchema()
        let open: @Sendable () async throws -> any JobStore = {
            try await server.open(schema: schema)
        }
        return (try await open(), open)
    }
}

/// The store's contract, written against `JobStore` alone: what every backend must do for
/// the poll cycle, the hook deliveries, `ftd status` and the history. A second backend is
/// added to `StoreBackend.all` and must pass it unchanged.
struct StoreConformanceTests {
    typealias S = StoreSample
    static let rule = TransitionDetector.rule
    static let everyStatus = HookSettings(name: "every", on: ["*"], command: .shell("true"), retries: 0)
    static let onSuccess = HookSettings(name: "done", on: ["succeeded"], command: .shell("true"), retries: 0)

    static func cycle(_ at: Int64, _ jobs: [FineTuningJob], hooks: [HookSettings] = []) -> CycleRecord {
        var record = CycleRecord(observedAt: at, jobs: jobs)
        record.hooks = hooks
        return record
    }

    // MARK: - Recording and detection

    @Test(arguments: StoreBackend.all)
    func theFirstCycleIsTheBaselineAndLaterOnesAreNot(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        #expect(try await store.baselineCompleted() == false)
        let first = try await store.record(
            cycle: Self.cycle(100, [S.job("ftjob-a", "running"), S.job("ftjob-b", "succeeded")]),
            rule: Self.rule)
        #expect(first.map(\.isBaseline) == [true, true])
        #expect(first.map(\.to) == ["running", "succeeded"])
        #expect(try await store.baselineCompleted())

        let second = try await store.record(
            cycle: Self.cycle(
                200,
                [S.job("ftjob-c", "queued"), S.job("ftjob-a", "succeeded"), S.job("ftjob-b", "succeeded")]),
            rule: Self.rule)
        #expect(
            second == [
                Transition(jobID: "ftjob-c", from: nil, to: "queued", observedAt: 200, isBaseline: false),
                Transition(
                    jobID: "ftjob-a", from: "running", to: "succeeded", observedAt: 200, isBaseline: false),
            ])
        let known = try await store.knownJobs(ids: ["ftjob-a", "ftjob-c", "ftjob-unknown"])
        #expect(known.keys.sorted() == ["ftjob-a", "ftjob-c"])
        #expect(known["ftjob-a"]?.status == "succeeded")
    }

    @Test(arguments: StoreBackend.all)
    func anOlderLookOrAnActiveLookAtAFinishedJobChangesNothing(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        _ = try await store.record(cycle: Self.cycle(100, []), rule: Self.rule)
        _ = try await store.record(cycle: Self.cycle(300, [S.job("ftjob-a", "succeeded")]), rule: Self.rule)
        // Taken before the stored look (another writer was slower to commit).
        #expect(
            try await store.record(cycle: Self.cycle(200, [S.job("ftjob-a", "running")]), rule: Self.rule)
                .isEmpty)
        // Newer by the clock, but a finished job never runs again.
        #expect(
            try await store.record(cycle: Self.cycle(400, [S.job("ftjob-a", "running")]), rule: Self.rule)
                .isEmpty)
        #expect(try await store.knownJobs(ids: ["ftjob-a"])["ftjob-a"]?.status == "succeeded")
        let detail = try await store.jobDetail(id: "ftjob-a", latestEvents: nil)
        #expect(detail.transitions.map(\.to) == ["succeeded"])
    }

    @Test(arguments: StoreBackend.all)
    func theStoreAppliesTheRuleItIsGiven(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        _ = try await store.record(cycle: Self.cycle(100, []), rule: Self.rule)
        let ignoreAll: TransitionRule = { _ in .stale }
        #expect(
            try await store.record(cycle: Self.cycle(200, [S.job("ftjob-a", "queued")]), rule: ignoreAll)
                .isEmpty)
        #expect(try await store.knownJobs(ids: ["ftjob-a"]).isEmpty)
        // Written but never a transition: the rule alone decides.
        let writeQuietly: TransitionRule = { _ in .newer(nil) }
        #expect(
            try await store.record(cycle: Self.cycle(300, [S.job("ftjob-a", "queued")]), rule: writeQuietly)
                .isEmpty)
        #expect(try await store.knownJobs(ids: ["ftjob-a"])["ftjob-a"]?.status == "queued")
    }

    @Test(arguments: StoreBackend.all)
    func eventsStepsCheckpointsAndTheFinalSync(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        var record = Self.cycle(100, [S.job("ftjob-a", "running")])
        record.events["ftjob-a"] = [
            S.event("ev-2", job: "ftjob-a", at: 20), S.event("ev-1", job: "ftjob-a", at: 10),
        ]
        record.steps = [LossStep(jobID: "ftjob-a", step: 1, totalSteps: 10, trainLoss: 1.5)]
        record.checkpoints = [Checkpoint(id: "ftckpt-1", jobID: "ftjob-a", createdAt: 15, stepNumber: 1)]
        record.eventResumeCursors["ftjob-a"] = "ev-1"
        // Rows of a job the cycle does not carry and the store never saw are not kept.
        record.events["ftjob-ghost"] = [S.event("ev-g", job: "ftjob-ghost", at: 5)]
        _ = try await store.record(cycle: record, rule: Self.rule)

        #expect(try await store.storedEventIDs(jobID: "ftjob-a", among: ["ev-1", "ev-3"]) == ["ev-1"])
        #expect(try await store.storedEventIDs(jobID: "ftjob-ghost", among: ["ev-g"]).isEmpty)
        #expect(try await store.eventResumeCursor(jobID: "ftjob-a") == "ev-1")
        #expect(try await store.jobsNeedingSync().map(\.id) == ["ftjob-a"])

        var finished = Self.cycle(200, [S.job("ftjob-a", "succeeded")])
        finished.steps = [LossStep(jobID: "ftjob-a", step: 1, validLoss: 1.7)]
        finished.eventResumeCleared = ["ftjob-a"]
        finished.finalSyncCompleted = ["ftjob-a"]
        _ = try await store.record(cycle: finished, rule: Self.rule)
        #expect(try await store.eventResumeCursor(jobID: "ftjob-a") == nil)
        #expect(try await store.jobsNeedingSync().isEmpty)

        let detail = try await store.jobDetail(id: "ftjob-a", latestEvents: nil)
        #expect(detail.events.map(\.id) == ["ev-1", "ev-2"])
        #expect(detail.eventCount == 2)
        // A step seen again keeps what it knew and adds what is new.
        #expect(
            detail.steps == [
                LossStep(jobID: "ftjob-a", step: 1, totalSteps: 10, trainLoss: 1.5, validLoss: 1.7)
            ])
        #expect(detail.checkpoints.map(\.id) == ["ftckpt-1"])
        #expect(try await store.jobDetail(id: "ftjob-a", latestEvents: 1).events.map(\.id) == ["ev-2"])
    }

    // MARK: - Deliveries

    @Test(arguments: StoreBackend.all)
    func aTransitionBecomesOneDeliveryPerMatchingHook(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        let hooks = [Self.everyStatus, Self.onSuccess]
        // The baseline fires no hook.
        _ = try await store.record(
            cycle: Self.cycle(100, [S.job("ftjob-a", "running")], hooks: hooks), rule: Self.rule)
        #expect(try await store.pendingDeliveries().isEmpty)

        _ = try await store.record(
            cycle: Self.cycle(
                200, [S.job("ftjob-a", "succeeded"), S.job("ftjob-b", "queued")], hooks: hooks),
            rule: Self.rule)
        let pending = try await store.pendingDeliveries()
        #expect(pending.map(\.hook) == ["every", "done", "every"])
        #expect(pending.map(\.transition.jobID) == ["ftjob-a", "ftjob-a", "ftjob-b"])
        #expect(pending.allSatisfy { $0.attemptsMade == 0 && $0.interruptedRuns == 0 })
        #expect(pending[0].job.status == "succeeded")
        #expect(try await store.pendingDeliveryCount() == 3)

        // Claimed, run and finished: a success completes the delivery in the same write.
        let (runID, attempt) = try await store.beginAttempt(deliveryID: pending[0].id, startedAt: 210)
        #expect(attempt == 1)
        try await store.finishAttempt(
            runID: runID, result: HookRunResult(exitCode: 0, timedOut: false, startedAt: 210, durationMs: 5),
            cutByStop: false)
        try await store.completeDelivery(
            id: pending[1].id, succeeded: false, at: 220, note: "its hook is gone")
        #expect(try await store.pendingDeliveries().map(\.id) == [pending[2].id])
        #expect(try await store.pendingDeliveryCount() == 1)

        let views = try await store.hookRuns(failedOnly: false, limit: 10)
        #expect(Set(views.map(\.status)) == ["succeeded", "failed", "pending"])
        #expect(try await store.hookRuns(failedOnly: true, limit: 10).map(\.deliveryID) == [pending[1].id])
    }

    @Test(arguments: StoreBackend.all)
    func aFailedAttemptCountsAndTheDeliveryStaysPending(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        _ = try await store.record(cycle: Self.cycle(100, []), rule: Self.rule)
        _ = try await store.record(
            cycle: Self.cycle(200, [S.job("ftjob-a", "failed")], hooks: [Self.everyStatus]), rule: Self.rule)
        let delivery = try #require(try await store.pendingDeliveries().first)
        let (runID, _) = try await store.beginAttempt(deliveryID: delivery.id, startedAt: 201)
        try await store.finishAttempt(
            runID: runID, result: HookRunResult(exitCode: 3, timedOut: false, startedAt: 201, durationMs: 1),
            cutByStop: false)
        #expect(try await store.pendingDeliveries().map(\.attemptsMade) == [1])
        // Cut short by a graceful stop: recorded, not counted.
        let (stopped, second) = try await store.beginAttempt(deliveryID: delivery.id, startedAt: 202)
        #expect(second == 2)
        try await store.finishAttempt(
            runID: stopped,
            result: HookRunResult(exitCode: nil, timedOut: false, startedAt: 202, durationMs: 1),
            cutByStop: true)
        #expect(try await store.pendingDeliveries().map(\.attemptsMade) == [1])
    }

    @Test(arguments: StoreBackend.all)
    func anAttemptAKilledProcessLeftRunningRunsAgainAfterAStart(_ backend: StoreBackend) async throws {
        let (store, reopen) = try await backend.make()
        _ = try await store.record(cycle: Self.cycle(100, []), rule: Self.rule)
        _ = try await store.record(
            cycle: Self.cycle(200, [S.job("ftjob-a", "succeeded")], hooks: [Self.everyStatus]),
            rule: Self.rule)
        let delivery = try #require(try await store.pendingDeliveries().first)
        _ = try await store.beginAttempt(deliveryID: delivery.id, startedAt: 201)

        let restarted = try await reopen()
        #expect(try await restarted.markInterruptedAttempts() == 1)
        #expect(try await restarted.markInterruptedAttempts() == 0)
        let again = try #require(try await restarted.pendingDeliveries().first)
        #expect(again.id == delivery.id)
        #expect(again.attemptsMade == 0)
        #expect(again.interruptedRuns == 1)
        #expect(try await restarted.beginAttempt(deliveryID: again.id, startedAt: 300).attempt == 2)
    }

    // MARK: - Status and history

    @Test(arguments: StoreBackend.all)
    func theLastCycleAndTheLastFailureAreKeptApart(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        #expect(try await store.daemonStatus().lastCycle == nil)
        _ = try await store.record(
            cycle: Self.cycle(100, [S.job("ftjob-a", "running"), S.job("ftjob-b", "succeeded")]),
            rule: Self.rule)
        let failed = CycleOutcome(finishedAt: 110, result: .failed, error: "GET /fine_tuning/jobs: 503")
        let complete = CycleOutcome(finishedAt: 120, result: .complete, requests: 3, nextCycleAt: 150)
        try await store.recordCycleOutcome(failed)
        try await store.recordCycleOutcome(complete)
        let status = try await store.daemonStatus()
        #expect(status.lastCycle == complete)
        #expect(status.lastError == failed)
        #expect(status.activeJobs == 1)
        #expect(status.jobs == 2)
        #expect(status.pendingDeliveries == 0)
    }

    @Test(arguments: StoreBackend.all)
    func historyListsNewestFirstFiltersAndResolvesPrefixes(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        let jobs = [
            S.job("ftjob-abc1", "succeeded", createdAt: 1_000, fineTunedModel: "ft:x", trainedTokens: 42),
            S.job("ftjob-abc2", "running", createdAt: 3_000),
            S.job(
                "ftjob-xyz", "failed", createdAt: 2_000, error: JobError(code: "e", message: "m", param: nil)),
        ]
        _ = try await store.record(cycle: Self.cycle(100, jobs), rule: Self.rule)
        #expect(
            try await store.jobSummaries(status: nil, limit: nil).map(\.id) == [
                "ftjob-abc2", "ftjob-xyz", "ftjob-abc1",
            ])
        #expect(try await store.jobSummaries(status: "failed", limit: nil).map(\.id) == ["ftjob-xyz"])
        #expect(try await store.jobSummaries(status: nil, limit: 1).map(\.id) == ["ftjob-abc2"])
        let summary = try #require(try await store.jobSummaries(status: "succeeded", limit: nil).first)
        #expect(summary.fineTunedModel == "ft:x")
        #expect(summary.trainedTokens == 42)

        #expect(try await store.resolveJobID("ftjob-x") == "ftjob-xyz")
        await #expect(throws: StoreError.self) { try await store.resolveJobID("ftjob-abc") }
        await #expect(throws: StoreError.self) { try await store.resolveJobID("ftjob-none") }
        let stored = try await store.storedJob(id: "ftjob-xyz")
        #expect(stored.status == "failed")
        #expect(stored.raw["id"] == .string("ftjob-xyz"))
    }

    /// What a backend keeps across a restart, whatever its schema does at opening
    /// (migrations run once and leave the data as it was).
    @Test(arguments: StoreBackend.all)
    func everythingSurvivesOpeningTheStoreAgain(_ backend: StoreBackend) async throws {
        let (store, reopen) = try await backend.make()
        _ = try await store.record(cycle: Self.cycle(100, [S.job("ftjob-a", "running")]), rule: Self.rule)
        _ = try await store.record(
            cycle: Self.cycle(200, [S.job("ftjob-a", "succeeded")], hooks: [Self.everyStatus]),
            rule: Self.rule)
        let before = try await store.jobDetail(id: "ftjob-a", latestEvents: nil)

        let reopened = try await reopen()
        #expect(try await reopened.baselineCompleted())
        #expect(try await reopened.jobDetail(id: "ftjob-a", latestEvents: nil) == before)
        #expect(try await reopened.pendingDeliveryCount() == 1)
        // And the next cycle goes on from there.
        #expect(
            try await reopened.record(
                cycle: Self.cycle(300, [S.job("ftjob-a", "succeeded")]), rule: Self.rule
            )
            .isEmpty)
    }

    @Test(arguments: StoreBackend.all)
    func theDashboardReadsTheListAndTheEventsAPageAtATime(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        var running = S.job("ftjob-r", "running", createdAt: 300)
        running.suffix = "Elle"
        var first = Self.cycle(100, [running, S.job("ftjob-s", "succeeded", createdAt: 200)])
        first.steps = (1...90).map {
            LossStep(jobID: "ftjob-r", step: $0, totalSteps: 100, trainLoss: Double($0))
        }
        first.events = [
            // The API's order: newest first.
            "ftjob-r": (1...25).reversed().map {
                S.event("ftevent-\($0)", job: "ftjob-r", at: 1_000 + Int64($0 / 2), "line \($0)")
            }
        ]
        _ = try await store.record(cycle: first, rule: Self.rule)

        let page = try await store.jobOverview(OverviewQuery(search: "elle", limit: 10, sparkPoints: 5))
        #expect(page.total == 1)
        let job = try #require(page.jobs.first)
        #expect(job.summary.id == "ftjob-r")
        #expect(job.suffix == "Elle")
        #expect(job.totalSteps == 100)
        #expect(job.spark == [1, 23, 46, 68, 90])
        #expect(
            try await store.jobOverview(OverviewQuery(limit: 1, offset: 1)).jobs.map(\.summary.id) == [
                "ftjob-s"
            ])

        var seen: [String] = []
        var query = EventPageQuery(jobID: "ftjob-r", limit: 10)
        while true {
            let events = try await store.eventPage(query)
            #expect(events.total == 25)
            seen += events.events.map(\.event.id)
            guard let next = events.next else { break }
            query.before = next
        }
        // Newest first; within one second, the later stored first.
        #expect(seen == (1...25).reversed().map { "ftevent-\($0)" })
        let filtered = try await store.eventPage(
            EventPageQuery(jobID: "ftjob-r", search: "LINE 1", limit: 100))
        #expect(filtered.total == 11)
    }
}
