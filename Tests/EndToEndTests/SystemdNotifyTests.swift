import FTDSimulator
import Foundation
import Testing

/// `ftd run` under systemd's `Type=notify`, with this test playing systemd's side of the
/// notify socket.
@Suite struct SystemdNotifyTests {
    static var statusPattern: Regex<(Substring, Substring)> {
        #/^STATUS=\d+ active jobs? · last poll \d\d:\d\d:\d\d · next \d\d:\d\d:\d\d · \d+ pending deliver(y|ies)$/#
    }

    @Test func readyStatusWatchdogAtHalfTheTimeoutReloadingAndStopping() async throws {
        try await Sandbox.with { sandbox in
            let listener = try NotifyListener(directory: sandbox.directory)
            defer { listener.stop() }
            let daemon = try sandbox.start(
                ["run"],
                environment: [
                    "OPENAI_API_KEY": Sandbox.apiKey, "NOTIFY_SOCKET": listener.address,
                    "WATCHDOG_USEC": "400000",
                ])
            try await eventually("READY=1") { listener.lines.contains("READY=1") }
            // READY=1 comes after the first cycle: the database exists and holds the job.
            #expect(FileManager.default.fileExists(atPath: sandbox.databasePath))
            let ready = try #require(listener.messages.first { $0.lines.contains("READY=1") })
            let status = try #require(ready.lines.first { $0.hasPrefix("STATUS=") })
            #expect(status.wholeMatch(of: Self.statusPattern) != nil, "\(status)")
            #expect(status.hasPrefix("STATUS=1 active job · "), "\(status)")
            let messages = listener.messages
            let readyIndex = messages.firstIndex { $0.lines.contains("READY=1") } ?? messages.endIndex
            let earlyPing = messages[..<readyIndex].contains { $0.lines.contains("WATCHDOG=1") }
            #expect(!earlyPing, "\(listener.lines)")

            try await Task.sleep(for: .seconds(3))
            daemon.signal(SIGHUP)
            try await eventually("RELOADING=1 then READY=1") {
                let lines = listener.lines
                guard let reloading = lines.firstIndex(of: "RELOADING=1") else { return false }
                return lines[reloading...].contains("READY=1")
            }
            let reloading = try #require(listener.messages.first { $0.lines.contains("RELOADING=1") })
            #expect(reloading.lines.contains { $0.hasPrefix("MONOTONIC_USEC=") })

            daemon.signal(SIGTERM)
            let result = try await daemon.wait(timeout: .seconds(20))
            #expect(result.status == 0, "\(result.stderr)")
            try await eventually("STOPPING=1") { listener.lines.contains("STOPPING=1") }

            // Pings every WATCHDOG_USEC / 2 = 0.2 s from READY=1 (which carries one) until the
            // stop: never more often (each follows a full period's sleep), and on a busy
            // machine at least half as often.
            let received = listener.messages
            let readyAt = try #require(received.first { $0.lines.contains("READY=1") }?.at)
            let stoppingAt = try #require(received.first { $0.lines.contains("STOPPING=1") }?.at)
            let window = (stoppingAt - readyAt) / .milliseconds(1)
            let pings = received.filter { $0.text == "WATCHDOG=1" }.count
            let expected = window / 200
            #expect(window > 3000)
            #expect(Double(pings) <= expected + 2, "\(pings) pings in \(window) ms")
            #expect(Double(pings) >= expected / 2, "\(pings) pings in \(window) ms")
            // A STATUS= after each cycle (interval 1 s).
            let statuses = listener.lines.filter { $0.hasPrefix("STATUS=") }
            #expect(statuses.count >= 3)
            #expect(statuses.allSatisfy { $0.wholeMatch(of: Self.statusPattern) != nil }, "\(statuses)")
        }
    }

    @Test func anAbstractSocketWithoutAWatchdogGetsReadyButNoPings() async throws {
        let configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000), scenario: .empty)
        try await Sandbox.with(configuration) { sandbox in
            let listener = try NotifyListener(directory: sandbox.directory, abstract: true)
            defer { listener.stop() }
            let daemon = try sandbox.start(
                ["run"], environment: ["OPENAI_API_KEY": Sandbox.apiKey, "NOTIFY_SOCKET": listener.address])
            try await eventually("READY=1") { listener.lines.contains("READY=1") }
            try await Task.sleep(for: .seconds(1.5))
            daemon.signal(SIGTERM)
            let result = try await daemon.wait(timeout: .seconds(20))
            #expect(result.status == 0, "\(result.stderr)")
            try await eventually("STOPPING=1") { listener.lines.contains("STOPPING=1") }
            #expect(!listener.lines.contains("WATCHDOG=1"))
            #expect(listener.lines.contains { $0.hasPrefix("STATUS=0 active jobs · last poll") })
        }
    }

    @Test func hooksNeverSeeTheNotifySocketOrTheWatchdog() async throws {
        try await Sandbox.with { sandbox in
            let listener = try NotifyListener(directory: sandbox.directory)
            defer { listener.stop() }
            let seen = sandbox.directory.appendingPathComponent("env.txt").path
            try sandbox.writeConfig(
                HookTests.hookConfig("env", on: "\"queued\"", command: "'env > \(seen)'"))
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            await sandbox.simulator.advanceClock(by: 25)
            let daemon = try sandbox.start(
                ["run"],
                environment: [
                    "OPENAI_API_KEY": Sandbox.apiKey, "NOTIFY_SOCKET": listener.address,
                    "WATCHDOG_USEC": "5000000", "CREDENTIALS_DIRECTORY": sandbox.directory.path,
                ])
            try await eventually("the hook to run") { FileManager.default.fileExists(atPath: seen) }
            try await Task.sleep(for: .milliseconds(200))
            daemon.signal(SIGTERM)
            _ = try await daemon.wait(timeout: .seconds(20))
            let environment = try String(contentsOfFile: seen, encoding: .utf8)
            #expect(environment.contains("FTD_STATUS=queued"))
            for secret in [
                "NOTIFY_SOCKET", "WATCHDOG_USEC", "CREDENTIALS_DIRECTORY", "OPENAI_API_KEY", Sandbox.apiKey,
            ] {
                #expect(!environment.contains(secret), "\(secret) reached the hook")
            }
        }
    }
}
