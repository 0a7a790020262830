import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
import Foundation
import Testing

/// A graceful stop while a hook runs (`daemon.stop_timeout`).
@Suite(.timeLimit(.minutes(1))) struct HookDispatcherStopTests {
    /// Sleeps `seconds`, or until cancelled; exits 0 only when it slept to the end.
    struct SleepingRunner: HookRunning {
        var seconds: Double
        let started = Locked(0)

        func run(_ hook: HookSettings, environment: [String: String], stdin: Data) async -> HookRunResult {
            started.withLock { $0 += 1 }
            let finished = (try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))) != nil
            return HookRunResult(
                exitCode: finished ? 0 : nil, timedOut: false, startedAt: 1, durationMs: 1,
                stderr: finished ? "" : "terminated\n")
        }
    }

    let store: AppDatabase
    let hook = HookSettings(name: "slow", on: ["*"], command: .argv(["/bin/true"]), timeout: 60, retries: 0)

    init() throws {
        store = try AppDatabase.inMemory()
        _ = try store.record(cycle: CycleRecord(observedAt: 1))  // the baseline
        var cycle = CycleRecord(
            observedAt: 2, jobs: [FineTuningJob(id: "ftjob-1", status: "queued", createdAt: 1)])
        cycle.hooks = [hook]
        _ = try store.record(cycle: cycle)
    }

    func drainThenStop(_ runner: SleepingRunner, grace: Duration, stopAfter: Duration) async throws -> Error?
    {
        var dispatcher = HookDispatcher(
            outbox: SQLiteStore(store), runner: runner, hooks: [hook], databasePath: "/tmp/db", logger: .quiet
        )
        dispatcher.stopGrace = grace
        let drain = Task { try await dispatcher.drain() }
        // The stop comes once the hook runs, `stopAfter` into it.
        while runner.started.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: stopAfter)
        drain.cancel()
        do {
            try await drain.value
            return nil
        } catch {
            return error
        }
    }

    @Test func aHookCutShortByTheStopStaysPendingAndDoesNotUseUpItsAttempts() async throws {
        let runner = SleepingRunner(seconds: 120)
        let started = ContinuousClock.now
        let error = try await drainThenStop(runner, grace: .milliseconds(200), stopAfter: .milliseconds(200))
        #expect(error is CancellationError)
        // Not the hook's 120 s; wide, since a loaded machine (load 8 on 2 cores) took 22 s.
        #expect(ContinuousClock.now - started < .seconds(60))

        let pending = try store.pendingDeliveries()
        #expect(pending.count == 1)
        #expect(pending.first?.attemptsMade == 0)  // retries = 0, yet it will run again
        let view = try #require(try store.hookRuns().first)
        #expect(view.attempts == 1)
        #expect(view.lastStderrLine?.contains("stopped by the daemon's shutdown") == true)

        // After the restart the delivery runs as attempt 2 and completes.
        let quick = SleepingRunner(seconds: 0)
        try await HookDispatcher(
            outbox: SQLiteStore(store), runner: quick, hooks: [hook], databasePath: "/tmp/db", logger: .quiet
        ).drain()
        #expect(try store.pendingDeliveries().isEmpty)
        #expect(try store.hookRuns().first?.status == "succeeded")
    }

    @Test func aHookThatFinishesWithinTheGraceCompletesItsDelivery() async throws {
        let runner = SleepingRunner(seconds: 0.5)
        let error = try await drainThenStop(runner, grace: .seconds(10), stopAfter: .milliseconds(100))
        #expect(error == nil || error is CancellationError)
        #expect(try store.pendingDeliveries().isEmpty)
        #expect(try store.hookRuns().first?.status == "succeeded")
    }

    @Test func noNewAttemptStartsOnceTheStopBegan() async throws {
        // A failing hook with retries waits out its backoff: the stop ends the wait and
        // leaves the delivery pending with the attempts it made.
        let flaky = HookSettings(
            name: "slow", on: ["*"], command: .argv(["/bin/true"]), timeout: 60, retries: 3)
        struct Failing: HookRunning {
            let calls = Locked(0)
            func run(_ hook: HookSettings, environment: [String: String], stdin: Data) async -> HookRunResult
            {
                calls.withLock { $0 += 1 }
                return HookRunResult(exitCode: 1, timedOut: false, startedAt: 1, durationMs: 1)
            }
        }
        let runner = Failing()
        var dispatcher = HookDispatcher(
            outbox: SQLiteStore(store), runner: runner, hooks: [flaky], databasePath: "/tmp/db",
            logger: .quiet)
        dispatcher.backoff = { _ in .seconds(30) }
        let drain = Task { try await dispatcher.drain() }
        while runner.calls.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))  // into the 30 s backoff
        drain.cancel()
        _ = try? await drain.value
        #expect(runner.calls.withLock { $0 } == 1)
        #expect(try store.pendingDeliveries().first?.attemptsMade == 1)
    }
}
