import FTDSimulator
import Foundation
import Testing

/// Issue 16: each alert kind fires once, end to end, with the built `ftd` against the
/// simulator's scenario for it, and never in the healthy ones; an alert's delivery
/// survives `kill -9` like a transition's.
@Suite(.timeLimit(.minutes(5))) struct AlertsEndToEndTests {
    /// A manual clock at the wall clock's time: the alerts that count time compare the
    /// API's timestamps with the daemon's clock.
    static func simulator(_ scenario: String, activeJobs: Int = 0) throws -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration(clock: .manual(start: Int64(Date().timeIntervalSince1970)))
        configuration.scenario = try #require(Scenario(rawValue: scenario))
        configuration.activeJobs = activeJobs
        return configuration
    }

    /// Short waits, so the time-counting kinds fire within seconds; a hook on every alert
    /// that logs `KIND JOB`.
    static func configure(_ sandbox: Sandbox, queuedAfter: Int = 3, stalledAfter: Int = 3) throws -> String {
        let log = sandbox.directory.appendingPathComponent("alerts.log").path
        try sandbox.writeConfig(
            """
            [alerts]
            queued_after = \(queuedAfter)
            stalled_after = \(stalledAfter)
            """
                + HookTests.hookConfig(
                    "alerts", on: "\"alert:*\"",
                    command:
                        "'printf \"%s %s %s\\\\n\" \"$FTD_ALERT\" \"$FTD_JOB_ID\" \"$FTD_PREVIOUS_STATUS\" >> \(log)'"
                ))
        return log
    }

    static func once(_ sandbox: Sandbox) async throws {
        let result = try await sandbox.ftd(["run", "--once"])
        try #require(result.status == 0, "\(result.stderr)")
    }

    /// Every alert `ftd history JOB --json` holds, as `KIND JOB`.
    static func storedAlerts(_ sandbox: Sandbox) async throws -> [String] {
        var alerts: [String] = []
        for job in try await sandbox.jobs() {
            let id = try #require(job["id"] as? String)
            let detail = try #require(try await sandbox.historyJSON(id) as? [String: Any])
            for alert in try #require(detail["alerts"] as? [[String: Any]]) {
                alerts.append("\(alert["kind"] as? String ?? "?") \(id)")
                #expect((alert["detail"] as? String)?.isEmpty == false)
            }
        }
        return alerts.sorted()
    }

    static func allTerminal(_ sandbox: Sandbox) async throws -> Bool {
        try await sandbox.jobs().allSatisfy {
            ["succeeded", "failed", "cancelled"].contains($0["status"] as? String)
        }
    }

    /// Moves simulated time in steps, one cycle after each, until every job has ended.
    static func runToTheEnd(_ sandbox: Sandbox, step: Int64 = 20, maxCycles: Int = 200) async throws {
        for _ in 0..<maxCycles {
            await sandbox.simulator.advanceClock(by: step)
            try await once(sandbox)
            if try await allTerminal(sandbox) { return }
        }
        Issue.record("the jobs did not end within \(maxCycles) cycles")
    }

    @Test(arguments: [("diverging", "loss_diverged"), ("overfitting", "overfitting")])
    func aLossScenarioFiresItsAlertOnceAndNothingElse(_ example: (String, String)) async throws {
        try await Sandbox.with(try Self.simulator(example.0)) { sandbox in
            let log = try Self.configure(sandbox, queuedAfter: 0, stalledAfter: 0)
            try await Self.once(sandbox)  // the baseline: the job has not started yet
            try await Self.runToTheEnd(sandbox)
            let job = try #require(try await sandbox.jobs().first?["id"] as? String)
            #expect(try await Self.storedAlerts(sandbox) == ["\(example.1) \(job)"])
            // Delivered once, as an alert: no previous status.
            #expect(HookTests.lines(log) == ["\(example.1) \(job) "])
            let detail = try #require(try await sandbox.historyJSON(job) as? [String: Any])
            let alert = try #require((detail["alerts"] as? [[String: Any]])?.first)
            if example.1 == "overfitting" {
                // The step of the best validation loss, and the checkpoint to deploy.
                let text = try #require(alert["detail"] as? String)
                #expect(text.contains("step "), "\(text)")
                #expect(text.contains("ckpt-step-"), "\(text)")
            }
            #expect(alert["step"] is Int)
            let metrics = try await sandbox.ftd(["history", job])
            #expect(metrics.stdout.contains("Alerts\n"), "\(metrics.stdout)")
        }
    }

    @Test func aJobThatStaysQueuedFiresQueuedTooLongOnce() async throws {
        try await Sandbox.with(try Self.simulator("slow-queue")) { sandbox in
            // Long enough that a busy machine's next cycle still comes before it.
            let log = try Self.configure(sandbox, queuedAfter: 15)
            try await Self.once(sandbox)  // the baseline: its waiting counts from here
            await sandbox.simulator.advanceClock(by: 60)
            try await Self.once(sandbox)
            #expect(HookTests.lines(log).isEmpty, "15 s have not passed since the baseline")
            try await Task.sleep(for: .seconds(16))
            try await Self.once(sandbox)
            try await Self.once(sandbox)
            let job = try #require(try await sandbox.jobs().first?["id"] as? String)
            #expect(HookTests.lines(log) == ["queued_too_long \(job) "])
            #expect(try await Self.storedAlerts(sandbox) == ["queued_too_long \(job)"])
            let status = try await sandbox.ftd(["status"])
            #expect(status.stdout.contains("recent alerts:"), "\(status.stdout)")
            #expect(status.stdout.contains("queued_too_long"), "\(status.stdout)")
        }
    }

    @Test func aRunningJobThatFallsSilentFiresStalledOnceUnderTheDaemon() async throws {
        try await Sandbox.with(try Self.simulator("stalled")) { sandbox in
            let log = try Self.configure(sandbox)
            try await Self.once(sandbox)
            // Into `running`, past its last event.
            await sandbox.simulator.advanceClock(by: 600)
            let daemon = try sandbox.start(["run"])
            try await eventually(timeout: .seconds(60), "the stalled alert's hook") {
                !HookTests.lines(log).isEmpty
            }
            try await Task.sleep(for: .seconds(3))  // more cycles: still once
            daemon.signal(SIGTERM)
            let result = try await daemon.wait(timeout: .seconds(30))
            #expect(result.status == 0, "\(result.stderr)")
            let job = try #require(try await sandbox.jobs().first?["id"] as? String)
            #expect(HookTests.lines(log) == ["stalled \(job) "])
            #expect(result.stderr.contains("alert stalled: "), "\(result.stderr)")
            #expect(try await Self.storedAlerts(sandbox) == ["stalled \(job)"])
        }
    }

    @Test func theHealthyScenarioFiresNoAlertFromStartToEnd() async throws {
        try await Sandbox.with(try Self.simulator("elle")) { sandbox in
            let log = try Self.configure(sandbox, queuedAfter: 7200, stalledAfter: 1800)
            try await Self.once(sandbox)
            // Healthy jobs of other sizes after the baseline, with validation and without.
            for (index, examples) in [40, 150, 400].enumerated() {
                _ = await sandbox.simulator.addJob(
                    JobScript(
                        validationFile: index == 1 ? nil : "file-valid", suffix: "healthy-\(index)",
                        examples: examples, epochs: 3, seed: Int64(index + 7),
                        durations: JobDurations(perStep: 0.5)))
            }
            try await Self.runToTheEnd(sandbox, step: 60, maxCycles: 300)
            #expect(HookTests.lines(log).isEmpty)
            #expect(try await Self.storedAlerts(sandbox).isEmpty)
        }
    }

    /// The alert's delivery is in the outbox like a transition's: a daemon killed while
    /// its hook runs leaves it to the next start, which runs it again; the alert itself is
    /// stored once.
    @Test func anAlertsDeliveryCutShortByKill9RunsAgainAndTheAlertIsStoredOnce() async throws {
        try await Sandbox.with(try Self.simulator("slow-queue")) { sandbox in
            let (script, runs, release) = try InterruptedHookTests.waitingHook(in: sandbox)
            defer { InterruptedHookTests.killHooks(logged: runs) }
            try sandbox.writeConfig(
                "[alerts]\nqueued_after = 1\n"
                    + HookTests.hookConfig(
                        "slow", on: "\"alert:queued_too_long\"", command: "[\"\(script)\"]", retries: 0))
            try await Self.once(sandbox)
            try await Task.sleep(for: .seconds(2))
            let daemon = try sandbox.start(["run"])
            try await eventually("the alert's hook to start") { HookTests.lines(runs).count == 1 }
            daemon.signal(SIGKILL)
            _ = try await daemon.wait(timeout: .seconds(10))
            InterruptedHookTests.killHooks(logged: runs)

            _ = FileManager.default.createFile(atPath: release, contents: nil)
            try await Self.once(sandbox)
            let lines = HookTests.lines(runs)
            #expect(lines.count == 2, "\(lines)")
            #expect(Set(lines.map { $0.split(separator: " ")[0] }).count == 1)  // one delivery
            #expect(lines.map { $0.split(separator: " ")[1] } == ["1", "2"])
            let job = try #require(try await sandbox.jobs().first?["id"] as? String)
            #expect(try await Self.storedAlerts(sandbox) == ["queued_too_long \(job)"])
            let deliveries = try await InterruptedHookTests.deliveries(sandbox)
            #expect(deliveries.map { $0["status"] as? String } == ["succeeded"])
            // Done: it never runs again.
            try await Self.once(sandbox)
            #expect(HookTests.lines(runs).count == 2)
        }
    }
}
