import FTDSimulator
import Foundation
import Testing

/// Issue 12: a delivery whose hook a `kill -9` of the daemon cut short, with `retries = 0`;
/// and `ftd run --once` beside a daemon whose hook is in flight.
@Suite struct InterruptedHookTests {
    /// A hook script that logs "DELIVERY_ID ATTEMPT PID" to `runs`, then waits for `release`
    /// to exist (at most a minute) and exits 0. Its pid is its process group's.
    static func waitingHook(in sandbox: Sandbox) throws -> (script: String, runs: String, release: String) {
        let runs = sandbox.directory.appendingPathComponent("runs.txt").path
        let release = sandbox.directory.appendingPathComponent("release").path
        let script = sandbox.directory.appendingPathComponent("hook.sh").path
        try """
        #!/bin/sh
        echo "$FTD_DELIVERY_ID $FTD_ATTEMPT $$" >> \(runs)
        i=0
        while [ ! -e \(release) ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        return (script, runs, release)
    }

    /// The hook processes a killed daemon left behind: killed with their groups, as the
    /// kernel would not.
    static func killHooks(logged runs: String) {
        for line in HookTests.lines(runs) {
            if let pid = line.split(separator: " ").last.flatMap({ Int32($0) }), pid > 1 {
                kill(-pid, SIGKILL)
            }
        }
    }

    /// The baseline, then one transition (→ queued) whose delivery the next daemon runs.
    static func oneDeliveryAhead(_ sandbox: Sandbox, script: String) async throws {
        try sandbox.writeConfig(
            HookTests.hookConfig("slow", on: "\"queued\"", command: "[\"\(script)\"]", retries: 0))
        let baseline = try await sandbox.ftd(["run", "--once"])
        try #require(baseline.status == 0, "\(baseline.stderr)")
        await sandbox.simulator.advanceClock(by: 25)  // validating_files → queued
    }

    static func deliveries(_ sandbox: Sandbox) async throws -> [[String: Any]] {
        let result = try await sandbox.ftd(["hooks", "runs", "--json"], environment: [:])
        #expect(result.status == 0, "\(result.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test func withRetries0AHookCutShortByKill9RunsAgainAfterTheRestart() async throws {
        try await Sandbox.with { sandbox in
            let (script, runs, release) = try Self.waitingHook(in: sandbox)
            defer { Self.killHooks(logged: runs) }
            try await Self.oneDeliveryAhead(sandbox, script: script)

            let daemon = try sandbox.start(["run"])
            try await eventually("the hook to start") { HookTests.lines(runs).count == 1 }
            daemon.signal(SIGKILL)
            _ = try await daemon.wait(timeout: .seconds(10))
            Self.killHooks(logged: runs)

            _ = FileManager.default.createFile(atPath: release, contents: nil)
            let restart = try await sandbox.ftd(["run", "--once"])
            #expect(restart.status == 0, "\(restart.stderr)")
            let lines = HookTests.lines(runs)
            #expect(lines.count == 2, "\(lines)")
            #expect(Set(lines.map { $0.split(separator: " ")[0] }).count == 1)  // one delivery
            #expect(lines.map { $0.split(separator: " ")[1] } == ["1", "2"])

            let id = try #require(try await sandbox.jobs().first?["id"] as? String)
            let detail = try #require(try await sandbox.historyJSON(id) as? [String: Any])
            let hookRuns = try #require(detail["hook_runs"] as? [[String: Any]])
            #expect(hookRuns.map { $0["status"] as? String } == ["failed", "succeeded"])
            #expect(hookRuns.first?["exit_code"] is NSNull)
            let delivery = try #require(try await Self.deliveries(sandbox).first)
            #expect(delivery["status"] as? String == "succeeded")
            #expect(delivery["attempts"] as? Int == 2)

            // Done: it never runs again.
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            #expect(HookTests.lines(runs).count == 2)
        }
    }

    @Test func aHookCutShortByFiveKillsIsGivenUpAndTheRunsSayWhy() async throws {
        try await Sandbox.with { sandbox in
            let (script, runs, _) = try Self.waitingHook(in: sandbox)
            defer { Self.killHooks(logged: runs) }
            try await Self.oneDeliveryAhead(sandbox, script: script)

            for kill in 1...5 {
                let daemon = try sandbox.start(["run"])
                try await eventually("attempt \(kill) of the hook") { HookTests.lines(runs).count == kill }
                daemon.signal(SIGKILL)
                _ = try await daemon.wait(timeout: .seconds(10))
                Self.killHooks(logged: runs)
            }
            let after = try await sandbox.ftd(["run", "--once"])
            #expect(after.status == 0, "\(after.stderr)")
            #expect(after.stderr.contains("giving up on this delivery"), "\(after.stderr)")
            #expect(HookTests.lines(runs).count == 5)  // no sixth run

            let delivery = try #require(try await Self.deliveries(sandbox).first)
            #expect(delivery["status"] as? String == "failed")
            #expect(delivery["attempts"] as? Int == 5)
            let line = delivery["last_stderr_line"] as? String ?? ""
            #expect(line.hasPrefix("ftd: gave up after 5 attempts cut short by ftd dying"), "\(line)")
            let table = try await sandbox.ftd(["hooks", "runs", "--failed"], environment: ["COLUMNS": "200"])
            #expect(table.stdout.contains("stderr: ftd: gave up after 5 attempts"), "\(table.stdout)")
        }
    }

    /// Issue 12 part 3: only the holder of the database's lock marks interrupted attempts
    /// or runs deliveries. `--once` beside the daemon refuses before it touches the
    /// database, so the daemon's in-flight delivery is neither marked nor run twice.
    @Test func runOnceBesideADaemonLeavesItsInFlightDeliveryAlone() async throws {
        try await Sandbox.with { sandbox in
            let (script, runs, release) = try Self.waitingHook(in: sandbox)
            defer { Self.killHooks(logged: runs) }
            try await Self.oneDeliveryAhead(sandbox, script: script)

            let daemon = try sandbox.start(["run"])
            try await eventually("the hook to start") { HookTests.lines(runs).count == 1 }
            let once = try await sandbox.ftd(["run", "--once"])
            #expect(once.status == 75, "\(once.stderr)")
            #expect(
                once.stderr.contains(
                    "another ftd (pid \(daemon.process.processIdentifier)) is already running"))
            #expect(once.stderr.contains("it polls and runs the hooks itself"), "\(once.stderr)")
            #expect(once.stderr.contains("stop it first"), "\(once.stderr)")
            #expect(once.stderr.split(separator: "\n").count == 1, "\(once.stderr)")

            // The attempt in flight is still the daemon's: not marked interrupted (history
            // lists finished attempts only), not run again.
            let id = try #require(try await sandbox.jobs().first?["id"] as? String)
            let inFlight = try #require(try await sandbox.historyJSON(id) as? [String: Any])
            #expect((inFlight["hook_runs"] as? [Any])?.isEmpty == true, "\(inFlight["hook_runs"] ?? "")")
            #expect(try await Self.deliveries(sandbox).first?["status"] as? String == "pending")

            _ = FileManager.default.createFile(atPath: release, contents: nil)
            try await eventually("the delivery to succeed") {
                try await Self.deliveries(sandbox).first?["status"] as? String == "succeeded"
            }
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait(timeout: .seconds(30)).status == 0)
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            #expect(HookTests.lines(runs).count == 1, "\(HookTests.lines(runs))")
            let detail = try #require(try await sandbox.historyJSON(id) as? [String: Any])
            let hookRuns = try #require(detail["hook_runs"] as? [[String: Any]])
            #expect(hookRuns.map { $0["status"] as? String } == ["succeeded"])
            #expect(hookRuns.map { $0["attempt"] as? Int } == [1])
        }
    }
}
