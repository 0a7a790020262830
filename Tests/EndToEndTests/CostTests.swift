import FTDSimulator
import Foundation
import Testing

/// What jobs cost (SPEC section 10), through the built `ftd` against the simulator: the
/// finished Elle job's cost in `ftd history --json` and `ftd report`, and the estimate
/// `ftd submit` stores, shown with `~` until the job finishes.
@Suite(.timeLimit(.minutes(3))) struct CostTests {
    /// The Elle job of the simulator's default scenario: gpt-3.5-turbo-0125 ($8.00 per 1M
    /// training tokens), 992 tokens per epoch × 10 epochs. By hand: 9,920 × 8 / 1e6.
    static let elleTokens = 9_920
    static let elleCost = 0.07936

    static func json(_ result: FTDProcess.Result) throws -> [String: Any] {
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// The Elle job, recorded by `ftd run --once` after it finished; the clock starts on
    /// 2025-06-15, so it finished in June 2025 (UTC).
    static func finishedElle(_ sandbox: Sandbox) async throws -> [String: Any] {
        #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
        await sandbox.simulator.advanceClock(by: 3600)
        #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
        return try #require(try await sandbox.jobs().first)
    }

    @Test func historyAndReportPriceTheFinishedJob() async throws {
        try await Sandbox.with { sandbox in
            let job = try await Self.finishedElle(sandbox)
            #expect(job["status"] as? String == "succeeded")
            #expect(job["model"] as? String == "gpt-3.5-turbo-0125")
            #expect(job["trained_tokens"] as? Int == Self.elleTokens)
            #expect(job["cost_usd"] as? Double == Self.elleCost)
            #expect(job["cost_estimated"] as? Bool == false)

            // No key, no network: the report reads the database only.
            let report = try Self.json(
                try await sandbox.ftd(["report", "--month", "2025-06", "--json"], environment: [:]))
            #expect(report["month"] as? String == "2025-06")
            let groups = try #require(report["groups"] as? [[String: Any]])
            #expect(groups.count == 1)
            #expect(groups.first?["account"] as? String == "default")
            #expect(groups.first?["model"] as? String == "gpt-3.5-turbo-0125")
            #expect(groups.first?["jobs"] as? Int == 1)
            #expect(groups.first?["trained_tokens"] as? Int == Self.elleTokens)
            #expect(groups.first?["cost_usd"] as? Double == Self.elleCost)
            let total = try #require(report["total"] as? [String: Any])
            #expect(total["jobs"] as? Int == 1)
            #expect(total["cost_usd"] as? Double == Self.elleCost)
            #expect(total["unpriced_jobs"] as? Int == 0)

            // All time holds it too; the next month does not.
            let allTime = try Self.json(try await sandbox.ftd(["report", "--json"], environment: [:]))
            #expect(allTime["month"] is NSNull)
            #expect((allTime["total"] as? [String: Any])?["jobs"] as? Int == 1)
            let july = try Self.json(
                try await sandbox.ftd(["report", "--month", "2025-07", "--json"], environment: [:]))
            #expect((july["groups"] as? [Any])?.isEmpty == true)

            let table = try await sandbox.ftd(["report", "--month", "2025-06"], environment: [:])
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.contains("gpt-3.5-turbo-0125"), "\(table.stdout)")
            #expect(table.stdout.contains("$0.08"), "\(table.stdout)")
            #expect(table.stdout.contains("June 2025"), "\(table.stdout)")

            let history = try await sandbox.ftd(["history"], environment: [:])
            #expect(history.stdout.contains("COST"), "\(history.stdout)")
            #expect(history.stdout.contains("$0.08"), "\(history.stdout)")
            let detail = try await sandbox.ftd(
                ["history", try #require(job["id"] as? String)], environment: [:])
            #expect(detail.stdout.contains("  cost      $0.08"), "\(detail.stdout)")

            // [prices] overrides the built-in price: 9,920 tokens at $10 = $0.0992.
            try sandbox.writeConfig("\n[prices]\n\"gpt-3.5-turbo-0125\" = 10\n")
            #expect(try await sandbox.jobs().first?["cost_usd"] as? Double == 0.0992)
            let priced = try Self.json(try await sandbox.ftd(["report", "--json"], environment: [:]))
            #expect((priced["total"] as? [String: Any])?["cost_usd"] as? Double == 0.0992)
        }
    }

    @Test(arguments: ["2025-13", "2025-00", "2025-6", "june", "2025-06-01"])
    func aMonthThatIsNotYYYYMMIsAUsageError(_ month: String) async throws {
        try await Sandbox.with { sandbox in
            let result = try await sandbox.ftd(["report", "--month", month], environment: [:])
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("YYYY-MM"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func anUnknownAccountIsAUsageErrorListingTheKnownOnes() async throws {
        try await Sandbox.with { sandbox in
            _ = try await Self.finishedElle(sandbox)
            let result = try await sandbox.ftd(["report", "--account", "reserch"], environment: [:])
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains("no account named \"reserch\""), "\(result.stderr)")
            #expect(result.stderr.contains("known: default"), "\(result.stderr)")
            let known = try Self.json(
                try await sandbox.ftd(["report", "--account", "default", "--json"], environment: [:]))
            #expect((known["total"] as? [String: Any])?["jobs"] as? Int == 1)
        }
    }

    @Test func aReportWithoutADatabaseSaysSoAsHistoryDoes() async throws {
        try await Sandbox.with { sandbox in
            let report = try await sandbox.ftd(["report"], environment: [:])
            let history = try await sandbox.ftd(["history"], environment: [:])
            #expect(report.status == history.status && report.status != 0, "\(report.stderr)")
            #expect(report.stderr == history.stderr)
        }
    }

    /// `ftd submit` stores its estimate with the job: `~$` until the job finishes, then
    /// the API's trained tokens. The file's estimate, by hand: ~7,620 billed tokens over
    /// 6 epochs (its check says so on stderr), at gpt-4o-mini's $3.00 per 1M = $0.02286.
    @Test func submitStoresTheEstimateAndHistoryShowsItUntilTheJobFinishes() async throws {
        let simulator = SimulatorConfiguration(clock: .manual(start: 1_750_000_000), scenario: .empty)
        try await Sandbox.with(simulator) { sandbox in
            let submit = try sandbox.start([
                "submit", WorkflowTests.elle, "--model", "gpt-4o-mini-2024-07-18",
            ])
            try await eventually("the wait for processing") {
                submit.stderr.contains("waiting for the API to process")
            }
            await sandbox.simulator.advanceClock(by: 5)
            let result = try await submit.wait(timeout: .seconds(60))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("~7,620 billed tokens over 6 epochs"), "\(result.stderr)")
            let id = result.stdout.trimmingCharacters(in: .newlines)

            let before = try #require(try await sandbox.jobs().first)
            #expect(before["id"] as? String == id)
            #expect(before["cost_estimated"] as? Bool == true)
            #expect(before["cost_usd"] as? Double == 0.02286)
            let table = try await sandbox.ftd(["history"], environment: [:])
            #expect(table.stdout.contains("~$0.02"), "\(table.stdout)")
            let detail = try await sandbox.ftd(["history", id], environment: [:])
            #expect(detail.stdout.contains("~$0.02 (estimated: ~7,620 tokens"), "\(detail.stdout)")

            // Finished: the API's trained tokens, no longer an estimate.
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            await sandbox.simulator.advanceClock(by: 7200)
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            let after = try #require(try await sandbox.jobs().first)
            #expect(after["status"] as? String == "succeeded")
            let tokens = try #require(after["trained_tokens"] as? Int)
            #expect(after["cost_estimated"] as? Bool == false)
            let cost = try #require(after["cost_usd"] as? Double)
            #expect(abs(cost - Double(tokens) * 3 / 1_000_000) < 1e-9)
            let finished = try await sandbox.ftd(["history"], environment: [:])
            #expect(!finished.stdout.contains("~$"), "\(finished.stdout)")
        }
    }
}
