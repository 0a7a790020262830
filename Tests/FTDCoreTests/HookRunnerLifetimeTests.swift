import Foundation
import Testing

@testable import FTDCore

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
