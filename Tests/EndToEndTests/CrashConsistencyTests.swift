import FTDSimulator
import Foundation
import Testing

/// `kill -9` of the daemon at random points of busy cycles (issue 5, item 3).
///
/// The simulator's clock moves in steps; at each step a reference database is brought up
/// to date by an uninterrupted `ftd run --once`, then the daemon runs on the crash database
/// and is killed after a random delay within that run's duration. After every kill the
/// crash database must be intact with no half-written fact, and consistent with the
/// reference; after the next `ftd run --once` it must hold exactly what the reference
/// holds. `FTD_CRASH_ITERATIONS` (default 20) and `FTD_CRASH_SEED` pick the run;
/// `scripts/crash-loop N` runs many more.
@Suite(.timeLimit(.minutes(5 + crashIterations / 10))) struct CrashConsistencyTests {
    typealias P = DatabaseProbe

    static let terminal = "('succeeded', 'failed', 'cancelled')"
    /// `AppDatabase.interruptedStderr`.
    static let interrupted = "interrupted: ftd stopped while the hook ran"

    static var iterations: Int { crashIterations }

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["FTD_CRASH_SEED"].flatMap { UInt64($0) }
            ?? UInt64(Date().timeIntervalSince1970 * 1000)
    }

    /// Two hooks: one on every status, one on the end of a job; each logs its delivery id
    /// and takes a moment, so that kills land while hooks run too.
    static func hooks(log: String) -> String {
        HookTests.hookConfig(
            "every", command: "'echo \"$FTD_DELIVERY_ID $FTD_ATTEMPT\" >> \(log); sleep 0.1'")
            + HookTests.hookConfig(
                "end", on: "\"succeeded\", \"failed\", \"cancelled\"",
                command: "'echo \"$FTD_DELIVERY_ID $FTD_ATTEMPT\" >> \(log)'")
    }

    struct Counter {
        var kills = 0
        var beforeTheDatabase = 0
        var beforeTheCommit = 0
        var whileHooksRan = 0
        var afterTheCommit = 0
        var referenceRuns: Duration = .zero
    }

    @Test(.enabled(if: DatabaseProbe.hasSQLite3))
    func killedAtRandomPointsOfBusyCyclesTheDatabaseStaysIntactAndTheNextRunCompletesTheWork() async throws {
        let seed = Self.seed
        var random = SplitMix64(seed: seed)
        print("crash consistency: \(Self.iterations) kills, FTD_CRASH_SEED=\(seed)")
        let simulator = SimulatorConfiguration(
            clock: .manual(start: 1_750_000_000), finishedJobs: 20, activeJobs: 12, seed: seed)
        try await Sandbox.with(simulator) { sandbox in
            let crashLog = sandbox.directory.appendingPathComponent("crash-hooks.log").path
            let referenceLog = sandbox.directory.appendingPathComponent("reference-hooks.log").path
            try sandbox.writeConfig(Self.hooks(log: crashLog))
            let crash = sandbox.databasePath
            let reference = sandbox.directory.appendingPathComponent("reference/ftd.sqlite3").path
            let referenceConfig = sandbox.directory.appendingPathComponent("reference.toml").path
            let text = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
                .replacingOccurrences(of: crash, with: reference)
                .replacingOccurrences(of: crashLog, with: referenceLog)
            try text.write(toFile: referenceConfig, atomically: true, encoding: .utf8)

            var counter = Counter()
            for iteration in 0..<Self.iterations {
                let step = "kill \(iteration + 1) (FTD_CRASH_SEED=\(seed))"
                if iteration > 0 {
                    await sandbox.simulator.advanceClock(by: 300)
                    _ = await sandbox.simulator.addJob(Self.shortJob(iteration))
                }
                let started = ContinuousClock.now
                let uninterrupted = try await FTDProcess.run(
                    ["run", "--once", "--config", referenceConfig], in: sandbox.directory,
                    environment: ["OPENAI_API_KEY": Sandbox.apiKey])
                try #require(uninterrupted.status == 0, "\(step): the reference run: \(uninterrupted.stderr)")
                let took = ContinuousClock.now - started
                counter.referenceRuns += took

                let lastRunBefore = try await Self.lastRunID(crash)
                let daemon = try sandbox.start(["run"])
                let delay = took * Double.random(in: 0...1.5, using: &random)
                try await Task.sleep(for: delay)
                daemon.signal(SIGKILL)
                _ = try await daemon.wait(timeout: .seconds(20))
                counter.kills += 1

                let running = try await checkAfterKill(
                    crash, reference: reference, lastRunBefore: lastRunBefore, step: step, counter: &counter)

                let next = try await sandbox.ftd(["run", "--once"])
                try #require(next.status == 0, "\(step): the run after the kill: \(next.stderr)")
                try await checkAfterNextRun(
                    crash, reference: reference, interruptedRuns: running, log: crashLog, step: step)
            }
            try await checkDeliveryAccounting(crash, log: crashLog)
            let left = try FileManager.default.contentsOfDirectory(
                atPath: (crash as NSString).deletingLastPathComponent)
            #expect(!left.contains { $0.contains(".creating-") }, "\(left)")
            print(
                "crash consistency: \(counter.kills) kills (before the database existed: \(counter.beforeTheDatabase), before the cycle's commit: \(counter.beforeTheCommit), while hooks ran: \(counter.whileHooksRan), after the commit: \(counter.afterTheCommit)); an uninterrupted run took \(counter.referenceRuns / max(counter.kills, 1)) on average"
            )
        }
    }

    /// A short job added at every step, so that each step has transitions and hooks; every
    /// fourth fails.
    static func shortJob(_ iteration: Int) -> JobScript {
        JobScript(
            suffix: "crash-\(iteration)", examples: 10, epochs: 1,
            durations: JobDurations(validating: 150, queued: 150, perStep: 30, finishing: 100),
            outcome: iteration % 4 == 0
                ? .fail(JobFailure(code: "server_error", message: "simulated"), afterStep: 4) : .succeed)
    }

    static func lastRunID(_ database: String) async throws -> Int {
        guard FileManager.default.fileExists(atPath: database) else { return 0 }
        return Int(try await P.query(database, "SELECT COALESCE(MAX(id), 0) FROM hook_runs").first ?? "") ?? 0
    }

    /// The crash database as the killed daemon left it. Returns the ids of the hook runs it
    /// left `running`.
    func checkAfterKill(
        _ crash: String, reference: String, lastRunBefore: Int, step: String, counter: inout Counter
    ) async throws -> [String] {
        guard FileManager.default.fileExists(atPath: crash),
            try await P.query(crash, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'jobs'") == ["1"]
        else {
            counter.beforeTheDatabase += 1
            return []
        }
        #expect(try await P.integrityCheck(crash) == ["ok"], "\(step)")
        #expect(try await P.query(crash, "PRAGMA foreign_key_check").isEmpty, "\(step)")
        // One sqlite3 for all the queries: one line of output each.
        let counts = try await P.query(
            crash,
            "ATTACH '\(reference)' AS ref; " + Self.invariants.map { $0.1 }.joined(separator: ";\n"))
        #expect(counts.count == Self.invariants.count, "\(step): \(counts)")
        for ((name, _), count) in zip(Self.invariants, counts) {
            #expect(count == "0", "\(step): \(name)")
        }
        let running = try await P.query(crash, "SELECT id FROM hook_runs WHERE status = 'running'")
        #expect(
            running.allSatisfy { (Int($0) ?? 0) > lastRunBefore }, "\(step): running rows of an earlier run")
        let missing = try await P.query(
            crash,
            "ATTACH '\(reference)' AS ref; "
                + "SELECT (SELECT COUNT(*) FROM ref.transitions) - (SELECT COUNT(*) FROM transitions)")
        if missing != ["0"] {
            counter.beforeTheCommit += 1
        } else if !running.isEmpty {
            counter.whileHooksRan += 1
        } else {
            counter.afterTheCommit += 1
        }
        return running
    }

    /// The crash database after the next run: the same facts as the reference, no hook run
    /// left running, every hook that ran belonging to a recorded delivery.
    func checkAfterNextRun(
        _ crash: String, reference: String, interruptedRuns: [String], log: String, step: String
    ) async throws {
        #expect(try await P.integrityCheck(crash) == ["ok"], "\(step)")
        let differences = Self.sameFacts.map { _, sql in
            let mine = sql.replacingOccurrences(of: "{db}", with: "main")
            let theirs = sql.replacingOccurrences(of: "{db}", with: "ref")
            return
                "SELECT (SELECT COUNT(*) FROM (\(mine) EXCEPT \(theirs))) + (SELECT COUNT(*) FROM (\(theirs) EXCEPT \(mine)))"
        }
        let counts = try await P.query(
            crash, "ATTACH '\(reference)' AS ref; " + differences.joined(separator: ";\n"))
        #expect(counts.count == Self.sameFacts.count, "\(step): \(counts)")
        for ((name, _), count) in zip(Self.sameFacts, counts) {
            #expect(count == "0", "\(step): \(name) differ from the uninterrupted run's")
        }
        #expect(
            try await P.query(crash, "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'") == ["0"],
            "\(step)")
        #expect(
            try await P.query(crash, "SELECT COUNT(*) FROM hook_runs WHERE status = 'running'") == ["0"],
            "\(step)")
        if !interruptedRuns.isEmpty {
            let marked = try await P.query(
                crash,
                "SELECT COUNT(*) FROM hook_runs WHERE id IN (\(interruptedRuns.joined(separator: ","))) AND status = 'failed' AND stderr = '\(Self.interrupted)'"
            )
            #expect(
                marked == ["\(interruptedRuns.count)"], "\(step): the interrupted runs were not marked failed"
            )
        }
        let recorded = Set(try await P.query(crash, "SELECT id FROM deliveries"))
        let ran = Set(HookTests.lines(log).compactMap { $0.split(separator: " ").first.map(String.init) })
        #expect(ran.subtracting(recorded).isEmpty, "\(step): a hook ran for a delivery that is not recorded")
    }

    /// At the end: each delivery ran until one attempt succeeded, and only attempts a kill
    /// cut short came before it.
    func checkDeliveryAccounting(_ crash: String, log: String) async throws {
        let wrong = try await P.query(
            crash,
            """
            SELECT d.id FROM deliveries d WHERE d.status != 'succeeded'
                OR (SELECT COUNT(*) FROM hook_runs h WHERE h.delivery_id = d.id AND h.status = 'succeeded') != 1
                OR (SELECT status FROM hook_runs h WHERE h.delivery_id = d.id ORDER BY attempt DESC LIMIT 1) != 'succeeded'
                OR EXISTS (SELECT 1 FROM hook_runs h WHERE h.delivery_id = d.id AND h.status != 'succeeded'
                    AND h.stderr != '\(Self.interrupted)')
                OR (SELECT MAX(attempt) FROM hook_runs h WHERE h.delivery_id = d.id)
                    != (SELECT COUNT(*) FROM hook_runs h WHERE h.delivery_id = d.id)
            """)
        #expect(wrong.isEmpty, "deliveries with other runs than kills explain: \(wrong)")
        let runs = try await P.query(
            crash, "SELECT delivery_id, COUNT(*) FROM hook_runs GROUP BY delivery_id")
        let lines = HookTests.lines(log).compactMap { $0.split(separator: " ").first.map(String.init) }
        for row in runs {
            let parts = row.split(separator: "|").map(String.init)
            guard parts.count == 2, let count = Int(parts[1]) else { continue }
            let ran = lines.filter { $0 == parts[0] }.count
            #expect(
                ran >= 1 && ran <= count, "delivery \(parts[0]): \(ran) runs of the hook, \(count) attempts")
        }
        let total = try await P.query(
            crash, "SELECT COUNT(*), (SELECT COUNT(*) FROM hook_runs) FROM deliveries")
        print("crash consistency: deliveries | hook runs: \(total.first ?? "?")")
    }
}

/// Kills in one run of the test: FTD_CRASH_ITERATIONS, default 20.
let crashIterations = ProcessInfo.processInfo.environment["FTD_CRASH_ITERATIONS"].flatMap(Int.init) ?? 20

/// A seeded generator, so that a failing run can be repeated with its FTD_CRASH_SEED.
typealias SplitMix64 = SeededGenerator
