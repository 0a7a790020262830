import FTDSimulator
import Foundation
import Testing

/// Hooks as a user configures them, run by the built `ftd` (SPEC section 5).
@Suite struct HookTests {
    static func hookConfig(
        _ name: String, on: String = "\"*\"", command: String, timeout: Int = 60, retries: Int = 1
    ) -> String {
        """

        [[hooks]]
        name = "\(name)"
        on = [\(on)]
        command = \(command)
        timeout = \(timeout)
        retries = \(retries)
        """
    }

    /// A hook script that logs "DELIVERY_ID ATTEMPT" to `runs` and, the first time only,
    /// hangs for a minute.
    static func slowFirstTimeHook(in sandbox: Sandbox) throws -> (script: String, runs: String) {
        let runs = sandbox.directory.appendingPathComponent("runs.txt").path
        let marker = sandbox.directory.appendingPathComponent("marker").path
        let script = sandbox.directory.appendingPathComponent("hook.sh").path
        try """
        #!/bin/sh
        echo "$FTD_DELIVERY_ID $FTD_ATTEMPT" >> \(runs)
        if [ ! -e \(marker) ]; then touch \(marker); exec sleep 60; fi
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        return (script, runs)
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func aTransitionAfterTheBaselineRunsTheHookWithItsEnvironmentAndJSON() async throws {
        try await Sandbox.with { sandbox in
            let log = sandbox.directory.appendingPathComponent("hook.log").path
            let stdin = sandbox.directory.appendingPathComponent("stdin.json").path
            try sandbox.writeConfig(
                Self.hookConfig(
                    "record",
                    command:
                        "'echo \"$FTD_HOOK $FTD_JOB_ID $FTD_PREVIOUS_STATUS>$FTD_STATUS $FTD_ATTEMPT\" >> \(log); cat > \(stdin)'"
                ))
            let baseline = try await sandbox.ftd(["run", "--once"])
            #expect(baseline.status == 0, "\(baseline.stderr)")
            #expect(Self.lines(log).isEmpty)  // no hook fires for the baseline

            await sandbox.simulator.advanceClock(by: 25)  // validating_files → queued
            let run = try await sandbox.ftd(["run", "--once"])
            #expect(run.status == 0, "\(run.stderr)")
            let id = try #require(try await sandbox.jobs().first?["id"] as? String)
            #expect(Self.lines(log) == ["record \(id) validating_files>queued 1"])

            let payload = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stdin)))
                    as? [String: Any])
            #expect(payload["hook"] as? String == "record")
            #expect(payload["attempt"] as? Int == 1)
            let transition = try #require(payload["transition"] as? [String: Any])
            #expect(transition["from"] as? String == "validating_files")
            #expect(transition["to"] as? String == "queued")
            #expect((payload["job"] as? [String: Any])?["id"] as? String == id)

            let detail = try #require(try await sandbox.historyJSON(id) as? [String: Any])
            let runs = try #require(detail["hook_runs"] as? [[String: Any]])
            #expect(runs.count == 1)
            #expect(runs.first?["status"] as? String == "succeeded")
            #expect(runs.first?["exit_code"] as? Int == 0)
            #expect(runs.first?["delivery_id"] as? String == payload["delivery_id"] as? String)
        }
    }

    @Test func aDeliveryInterruptedByKill9RunsAgainAfterRestartWithTheSameIDAndNeverAThirdTime() async throws
    {
        try await Sandbox.with { sandbox in
            let (script, runs) = try Self.slowFirstTimeHook(in: sandbox)
            try sandbox.writeConfig(Self.hookConfig("slow", on: "\"queued\"", command: "[\"\(script)\"]"))
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)  // the baseline
            await sandbox.simulator.advanceClock(by: 25)

            let daemon = try sandbox.start(["run"])
            try await eventually("the hook to start") { !Self.lines(runs).isEmpty }
            daemon.signal(SIGKILL)
            _ = try await daemon.wait(timeout: .seconds(10))

            let restart = try await sandbox.ftd(["run", "--once"])
            #expect(restart.status == 0, "\(restart.stderr)")
            let again = try await sandbox.ftd(["run", "--once"])
            #expect(again.status == 0)
            let lines = Self.lines(runs)
            #expect(lines.count == 2, "\(lines)")
            let ids = Set(lines.map { $0.split(separator: " ")[0] })
            #expect(ids.count == 1)
            #expect(lines.map { $0.split(separator: " ")[1] } == ["1", "2"])
        }
    }

    @Test func aSlowHookDoesNotDelayPolling() async throws {
        // The manual clock orders it exactly: the hook for "queued" starts and sleeps, then
        // the job ends, and the daemon records that while the hook still sleeps.
        try await Sandbox.with { sandbox in
            let started = sandbox.directory.appendingPathComponent("started").path
            try sandbox.writeConfig(
                "[daemon]\nstop_timeout = 0\n"
                    + Self.hookConfig(
                        "sleepy", on: "\"queued\"", command: "'echo \"$FTD_STATUS\" >> \(started); sleep 30'",
                        timeout: 60))
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)  // the baseline
            let daemon = try sandbox.start(["run"])
            try await eventually("the daemon's first cycle") { daemon.stderr.contains("ready") }
            await sandbox.simulator.advanceClock(by: 25)  // → queued
            try await eventually("the hook to start") { Self.lines(started) == ["queued"] }

            await sandbox.simulator.advanceClock(by: 3600)  // → succeeded
            try await eventually(timeout: .seconds(30), "the job to succeed while the hook sleeps") {
                try await sandbox.jobs().first?["status"] as? String == "succeeded"
            }
            let id = try #require(try await sandbox.jobs().first?["id"] as? String)
            let detail = try #require(try await sandbox.historyJSON(id) as? [String: Any])
            #expect((detail["hook_runs"] as? [Any])?.isEmpty == true)  // still sleeping
            daemon.signal(SIGTERM)
            _ = try await daemon.wait(timeout: .seconds(30))
        }
    }
}
