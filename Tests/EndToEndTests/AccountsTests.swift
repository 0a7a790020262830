import FTDSimulator
import Foundation
import Logging
import Testing

/// Two accounts as a user configures them (SPEC section 8): two simulators, one per
/// `[[accounts]]` entry, watched by the built `ftd`.
@Suite struct AccountsTests {
    static let keys = ["FTD_KEY_A": Sandbox.apiKey, "FTD_KEY_B": Sandbox.apiKey]

    /// The sandbox's simulator is account `a`'s; `b` gets one of its own, seeded like
    /// `a`'s unless `seed` is given: with one seed, both hold the same job ids.
    static func withTwoAccounts(
        seed: UInt64? = nil, hooks: (Sandbox) -> String = { _ in "" },
        _ body: (Sandbox, FineTuningSimulator) async throws -> Void
    ) async throws {
        try await Sandbox.with { sandbox in
            var configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000))
            if let seed { configuration.seed = seed }
            let b = FineTuningSimulator(
                configuration: configuration, logger: Logger(label: "sim-b") { _ in SwiftLogNoOpLogHandler() }
            )
            try await b.start()
            do {
                let text = """
                    [[accounts]]
                    name = "a"
                    base_url = "\(sandbox.baseURL)"
                    api_key_env = "FTD_KEY_A"
                    max_retries = 1

                    [[accounts]]
                    name = "b"
                    base_url = "\(await b.baseURL)"
                    api_key_env = "FTD_KEY_B"
                    max_retries = 1

                    [poll]
                    interval = 1
                    idle_interval = 1

                    [storage]
                    database = "\(sandbox.databasePath)"
                    \(hooks(sandbox))
                    """
                try text.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
                try await body(sandbox, b)
            } catch {
                await b.stop()
                throw error
            }
            await b.stop()
        }
    }

    static func ftd(_ sandbox: Sandbox, _ arguments: [String]) async throws -> FTDProcess.Result {
        try await sandbox.ftd(arguments, environment: keys)
    }

    static func json(_ result: FTDProcess.Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    @Test func theSameJobIDInTwoAccountsIsTwoJobsThatHistoryTellsApart() async throws {
        try await Self.withTwoAccounts { sandbox, b in
            let id = try #require(await sandbox.simulator.jobIDs().first)
            #expect(
                await b.jobIDs() == [id], "one seed, one id: the (account, id) key is what keeps them apart")
            let once = try await Self.ftd(sandbox, ["run", "--once"])
            #expect(once.status == 0, "\(once.stderr)")

            let jobs = try await sandbox.jobs()
            #expect(
                jobs.map { "\($0["account"] ?? "")/\($0["id"] ?? "")" }.sorted() == ["a/\(id)", "b/\(id)"])

            // --account filters.
            let onlyB = try await Self.ftd(sandbox, ["history", "--account", "b", "--json"])
            #expect(onlyB.status == 0, "\(onlyB.stderr)")
            let listed = try #require(try Self.json(onlyB) as? [[String: Any]])
            #expect(listed.map { $0["account"] as? String } == ["b"])
            #expect(listed.map { $0["id"] as? String } == [id])
            let nobody = try await Self.ftd(sandbox, ["history", "--account", "nobody"])
            // A name neither the configuration nor the database knows is a typo, not an
            // empty account (HistoryAccountOptionTests).
            #expect(nobody.status == 64)
            #expect(nobody.stderr.contains("no account named \"nobody\""), "\(nobody.stderr)")

            // The table has an ACCOUNT column, also when --account lists one of them.
            let table = try await Self.ftd(sandbox, ["history"])
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("JOB ID") == true, "\(table.stdout)")
            #expect(lines[1].hasPrefix("  ACCOUNT  COST  MODEL"), "\(table.stdout)")
            #expect(lines.filter { $0.hasPrefix(id) }.count == 2, "\(table.stdout)")
            // The account, then the cost (none yet: the job has not finished), then the model.
            #expect(
                lines.contains { $0.hasPrefix("  a" + String(repeating: " ", count: 11) + "-  gpt-") },
                "\(table.stdout)")
            #expect(
                lines.contains { $0.hasPrefix("  b" + String(repeating: " ", count: 11) + "-  gpt-") },
                "\(table.stdout)")
            let wide = try await sandbox.ftd(["history", "--account", "b"], environment: ["COLUMNS": "200"])
            let wideLines = wide.stdout.split(separator: "\n")
            #expect(wideLines.first?.hasPrefix("ACCOUNT  JOB ID") == true, "\(wide.stdout)")
            #expect(wideLines.dropFirst().map { $0.hasPrefix("b        \(id)") } == [true], "\(wide.stdout)")

            // The id alone, or a prefix of it, is ambiguous: 65, naming both as account/id.
            for typed in [id, String(id.dropFirst("ftjob-".count).prefix(6))] {
                let ambiguous = try await Self.ftd(sandbox, ["history", typed])
                #expect(ambiguous.status == 65, "\(typed): \(ambiguous.stderr)")
                #expect(ambiguous.stderr.contains("a/\(id), b/\(id)"), "\(ambiguous.stderr)")
                #expect(ambiguous.stdout.isEmpty)
            }
            // account/id names one, and so does --account.
            for arguments in [["b/\(id)"], [id, "--account", "b"]] {
                let named = try await Self.ftd(sandbox, ["history"] + arguments + ["--json"])
                #expect(named.status == 0, "\(arguments): \(named.stderr)")
                let job = try #require((try Self.json(named) as? [String: Any])?["job"] as? [String: Any])
                #expect(job["account"] as? String == "b")
                #expect(job["id"] as? String == id)
            }
            let detail = try await Self.ftd(sandbox, ["history", "a/\(id)"])
            #expect(detail.status == 0, "\(detail.stderr)")
            #expect(detail.stdout.contains("\n  account   a\n"), "\(detail.stdout)")
            let elsewhere = try await Self.ftd(sandbox, ["history", "a/ftjob-nothere"])
            #expect(elsewhere.status == 65)
        }
    }

    @Test func aWorkflowCommandNeedsTheAccountNamedWhenSeveralAreConfigured() async throws {
        try await Self.withTwoAccounts(seed: 42) { sandbox, b in
            let id = try #require(await b.jobIDs().first)
            let aJob = try #require(await sandbox.simulator.jobIDs().first)
            #expect(id != aJob)
            #expect(try await Self.ftd(sandbox, ["run", "--once"]).status == 0)

            for command in ["cancel", "watch"] {
                let unnamed = try await Self.ftd(sandbox, [command, id])
                #expect(unnamed.status == 64, "\(command): \(unnamed.stderr)")
                #expect(
                    unnamed.stderr.contains(
                        "several accounts are configured (a, b): say which with --account NAME"),
                    "\(unnamed.stderr)")
                let unknown = try await Self.ftd(sandbox, [command, id, "--account", "c"])
                #expect(unknown.status == 64, "\(command): \(unknown.stderr)")
                #expect(unknown.stderr.contains("no account named \"c\""), "\(unknown.stderr)")
            }
            // Refused before anything was sent to either account.
            #expect(try await sandbox.jobs().allSatisfy { $0["status"] as? String != "cancelled" })

            let cancel = try await Self.ftd(sandbox, ["cancel", String(id.prefix(12)), "--account", "b"])
            #expect(cancel.status == 0, "\(cancel.stderr)")
            #expect(cancel.stdout.hasSuffix("→ cancelled\n"), "\(cancel.stdout)")
            let statuses = Dictionary(
                uniqueKeysWithValues: try await sandbox.jobs().map {
                    ("\($0["account"] ?? "")/\($0["id"] ?? "")", $0["status"] as? String)
                })
            #expect(statuses["b/\(id)"] == "cancelled")
            #expect(statuses["a/\(aJob)"] != "cancelled")
        }
    }

    /// The log every hook appends "HOOK ACCOUNT JOB STATUS" to, and where `only-b` writes its stdin.
    static func hookFiles(_ sandbox: Sandbox) -> (log: String, stdin: String) {
        (
            sandbox.directory.appendingPathComponent("hooks.log").path,
            sandbox.directory.appendingPathComponent("only-b.json").path
        )
    }

    @Test func aHookListingAnAccountFiresOnlyForItsJobsAndIsToldTheAccount() async throws {
        let hooks = { (sandbox: Sandbox) -> String in
            let (log, stdin) = Self.hookFiles(sandbox)
            let line = "echo \"$FTD_HOOK $FTD_ACCOUNT $FTD_JOB_ID $FTD_STATUS\" >> \(log)"
            return HookTests.hookConfig("only-b", command: "'\(line); cat > \(stdin)'")
                + "\naccounts = [\"b\"]\n"
                + HookTests.hookConfig("every", command: "'\(line)'")
        }
        try await Self.withTwoAccounts(seed: 42, hooks: hooks) { sandbox, b in
            let (log, stdin) = Self.hookFiles(sandbox)
            let aJob = try #require(await sandbox.simulator.jobIDs().first)
            let bJob = try #require(await b.jobIDs().first)
            let baseline = try await Self.ftd(sandbox, ["run", "--once"])
            #expect(baseline.status == 0, "\(baseline.stderr)")
            #expect(HookTests.lines(log).isEmpty)

            await sandbox.simulator.advanceClock(by: 25)  // validating_files → queued
            await b.advanceClock(by: 25)
            let run = try await Self.ftd(sandbox, ["run", "--once"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(
                HookTests.lines(log).sorted() == [
                    "every a \(aJob) queued", "every b \(bJob) queued", "only-b b \(bJob) queued",
                ])
            let payload = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stdin)))
                    as? [String: Any])
            #expect(payload["account"] as? String == "b")
            #expect(payload["hook"] as? String == "only-b")
            #expect((payload["transition"] as? [String: Any])?["job_id"] as? String == bJob)
        }
    }

    // MARK: - A database of the single-account release

    /// Tests/EndToEndTests/… → Tests/Databases/v7-single-account…
    static func v7(_ suffix: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Databases/v7-single-account" + suffix)
    }

    /// The fixture's jobs' costs, by hand: trained tokens × OpenAI's list price per 1M
    /// (gpt-3.5-turbo-0125 $8, gpt-4o-2024-08-06 $25, gpt-4o-mini-2024-07-18 $3).
    static let v7Costs: [String: Double] = [
        "ftjob-aNABelDdD7IXcBpvziw66sSy": 0.07936,  // 9,920 tokens at $8
        "ftjob-scLgIPj4L6qFLFdEqr8cIuMt": 0.024,  // 960 at $25
        "ftjob-rTfxdMqCHePmZVrA3shDu1DU": 0.00768,  // 960 at $8
        "ftjob-dUMUyD0mdXHWS2h9JiZ9criV": 0.00288,  // 960 at $3
    ]

    /// What the old release printed, with `"account": "default"` in every job summary and
    /// its cost (SPEC section 10, added since).
    static func oldOutput(_ suffix: String) throws -> NSObject {
        let old = try JSONSerialization.jsonObject(with: Data(contentsOf: v7(suffix)))
        func withAccount(_ summary: Any?) -> Any? {
            guard var summary = summary as? [String: Any] else { return summary }
            summary["account"] = "default"
            summary["cost_usd"] = (summary["id"] as? String).flatMap { v7Costs[$0] } ?? NSNull()
            summary["cost_estimated"] = false
            return summary
        }
        if let list = old as? [Any] { return list.map { withAccount($0) ?? NSNull() } as NSArray }
        var detail = try #require(old as? [String: Any])
        detail["job"] = withAccount(detail["job"])
        detail["alerts"] = [Any]()  // alerts came after v7 (v10-alerts): the job has none
        return detail as NSDictionary
    }

    @Test func historyWaitsForTheDaemonToUpgradeASingleAccountDatabaseThenReadsItAsBefore() async throws {
        let simulator = SimulatorConfiguration(clock: .manual(start: 1_796_600_000), scenario: .empty)
        try await Sandbox.with(simulator) { sandbox in
            let database = URL(fileURLWithPath: sandbox.databasePath)
            try FileManager.default.createDirectory(
                at: database.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.v7(".sqlite3"), to: database)
            chmod(database.path, 0o600)
            let before = try Data(contentsOf: database)

            // A reader never migrates: one line saying what to do, and the file untouched.
            let old = try await sandbox.ftd(["history"], environment: [:])
            #expect(old.status == 69, "\(old.stderr)")
            #expect(old.stderr.contains("written by an older ftd"), "\(old.stderr)")
            #expect(old.stderr.split(separator: "\n").count == 1, "\(old.stderr)")
            #expect(old.stdout.isEmpty)
            #expect(try Data(contentsOf: database) == before)

            // The daemon's way: one cycle against an API whose list is empty upgrades it.
            let once = try await sandbox.ftd(["run", "--once"])
            #expect(once.status == 0, "\(once.stderr)")
            let history = try await sandbox.historyJSON() as? NSObject
            #expect(history == (try Self.oldOutput(".history.json")))
            let job = try await sandbox.historyJSON("ftjob-aNABelDdD7IXcBpvziw66sSy") as? NSObject
            #expect(job == (try Self.oldOutput(".job.json")))
        }
    }
}
