import FTDSimulator
import Foundation
import Testing

/// `ftd run`, the daemon, started and stopped the way systemd or a terminal does.
@Suite struct DaemonTests {
    @Test func theDaemonFollowsAJobToTheEndAndStopsCleanlyOnSIGTERM() async throws {
        let configuration = SimulatorConfiguration(speed: 40, clock: .scaled)
        try await Sandbox.with(configuration) { sandbox in
            let daemon = try sandbox.start(["run"])
            try await eventually(timeout: .seconds(60), "the job to succeed") {
                guard FileManager.default.fileExists(atPath: sandbox.databasePath) else { return false }
                return try await sandbox.jobs().first?["status"] as? String == "succeeded"
            }
            daemon.signal(SIGTERM)
            let result = try await daemon.wait(timeout: .seconds(15))
            #expect(result.status == 0, "\(result.stderr)")

            let id = try #require(try await sandbox.jobs().first?["id"] as? String)
            let detail = try #require(try await sandbox.historyJSON(id) as? [String: Any])
            let transitions = try #require(detail["transitions"] as? [[String: Any]])
            #expect(transitions.first?["from"] is NSNull)
            #expect(transitions.last?["to"] as? String == "succeeded")
            #expect((detail["steps"] as? [Any])?.count == 100)
            #expect((detail["checkpoints"] as? [Any])?.count == 3)
            // The transitions are logged as they happen.
            #expect(result.stderr.contains("→ succeeded"))
        }
    }

    @Test func anIdleDaemonStopsAtOnceOnSIGINT() async throws {
        let configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000), scenario: .empty)
        try await Sandbox.with(configuration) { sandbox in
            let daemon = try sandbox.start(["run"])
            try await eventually("the baseline") {
                FileManager.default.fileExists(atPath: sandbox.databasePath)
            }
            try await Task.sleep(for: .milliseconds(300))
            daemon.signal(SIGINT)
            let result = try await daemon.wait(timeout: .seconds(10))
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test func theDaemonKeepsPollingThroughAFailedCycle() async throws {
        var configuration = SimulatorConfiguration(speed: 40, clock: .scaled)
        configuration.faults = [try FaultRule.parse("500:count=4")]
        try await Sandbox.with(configuration) { sandbox in
            let daemon = try sandbox.start(["run"])
            try await eventually(timeout: .seconds(60), "the job to succeed despite the faults") {
                guard FileManager.default.fileExists(atPath: sandbox.databasePath) else { return false }
                return try await sandbox.jobs().first?["status"] as? String == "succeeded"
            }
            daemon.signal(SIGTERM)
            let result = try await daemon.wait(timeout: .seconds(15))
            #expect(result.status == 0)
            #expect(result.stderr.contains("500"))
        }
    }
}
