import Foundation
import Testing

@testable import FTDModel

/// A hook and everything it starts end with its run: at the timeout, or when the main
/// process exits.
@Suite struct HookRunnerLifetimeTests {
    @Test func timeoutKillsTheWholeGroupIncludingABackgroundChild() async throws {
        let dir = try HookTestKit.makeTempDirectory()
        let pidFile = dir.appendingPathComponent("child.pid")
        let script = "sleep 100 & echo $! > '\(pidFile.path)'; sleep 100"
        let started = ContinuousClock.now
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.shell(script), timeout: 1), environment: [:], stdin: Data())
        let elapsed = ContinuousClock.now - started
        #expect(result.timedOut)
        #expect(result.exitCode == nil)
        #expect(result.outcome == .timedOut)
        #expect(elapsed < .seconds(90))  // not the script's 100 s, even on a crowded machine
        let child = try #require(HookTestKit.readPID(pidFile))
        #expect(await HookTestKit.waitUntil(seconds: 2) { !HookTestKit.isAlive(child) })
    }

    @Test func hookIgnoringSigtermIsKilledAfterTheGrace() async throws {
        let dir = try HookTestKit.makeTempDirectory()
        let pidFile = dir.appendingPathComponent("child.pid")
        let script = "trap '' TERM; sleep 100 & echo $! > '\(pidFile.path)'; while :; do sleep 0.2; done"
        // Without the SIGKILL after the grace this would run until the test's time limit.
        let started = ContinuousClock.now
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.shell(script), timeout: 1), environment: [:], stdin: Data())
        let elapsed = ContinuousClock.now - started
        #expect(result.outcome == .timedOut)
        #expect(elapsed >= .seconds(5))
        // 1 s timeout + 5 s grace; a CI run on a crowded machine took 32 s. Without the
        // SIGKILL the loop never ends (the suite's time limit would stop it).
        #expect(elapsed < .seconds(90))
        let child = try #require(HookTestKit.readPID(pidFile))
        #expect(await HookTestKit.waitUntil(seconds: 2) { !HookTestKit.isAlive(child) })
    }

    /// SPEC section 5: past the timeout the whole group gets SIGTERM, so that a hook's
    /// children can clean up, and SIGKILL only 5 s later. The SIGKILL alone would leave
    /// every child dead too: only a child's own TERM handler tells the two apart.
    @Test func theTimeoutsSigtermReachesAChildWhileTheMainProcessIgnoresIt() async throws {
        let dir = try HookTestKit.makeTempDirectory()
        let ready = dir.appendingPathComponent("ready").path
        let marker = dir.appendingPathComponent("child-got-term").path
        // The child traps TERM before the main process ignores it (an ignored signal is
        // inherited, and cannot be trapped again).
        let script = """
            ( trap 'echo term > \(marker); exit 0' TERM; touch \(ready); while :; do sleep 0.1; done ) &
            trap '' TERM
            while :; do sleep 0.1; done
            """
        // 3 s, not 1: the child must have set its trap before the timeout, even on a
        // crowded machine.
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.shell(script), timeout: 3), environment: [:], stdin: Data())
        #expect(result.outcome == .timedOut)
        try #require(
            FileManager.default.fileExists(atPath: ready), "the child had not started at the timeout")
        #expect(
            FileManager.default.fileExists(atPath: marker),
            "the child never got SIGTERM: only the main process was sent it")
    }

    @Test func backgroundChildDoesNotHoldTheRunnerAfterTheMainProcessExits() async throws {
        let dir = try HookTestKit.makeTempDirectory()
        let pidFile = dir.appendingPathComponent("child.pid")
        // The child inherits stdout and stderr: waiting for EOF would wait 100 s.
        let script = "sleep 100 & echo $! > '\(pidFile.path)'; echo bye; exit 0"
        let started = ContinuousClock.now
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.shell(script), timeout: 30), environment: [:], stdin: Data())
        #expect(ContinuousClock.now - started < .seconds(30))  // not the child's 100 s
        #expect(result.outcome == .succeeded)
        #expect(result.stdout == "bye\n")
        let child = try #require(HookTestKit.readPID(pidFile))
        #expect(await HookTestKit.waitUntil(seconds: 2) { !HookTestKit.isAlive(child) })
    }
}
