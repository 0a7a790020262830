import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
import Foundation
import Testing

/// A graceful stop while a hook runs, on every store: the hook's end is recorded although
/// the stop cancelled the drain (PostgreSQL's pool refuses a cancelled task's request, so
/// that record must not be made from the cancelled task).
extension StoreConformanceTests {
    @Test(arguments: StoreBackend.all)
    func aHookThatFinishesWithinTheStopsGraceIsRecordedAsDone(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        let hook = HookSettings(
            name: "slow", on: ["*"], command: .argv(["/bin/true"]), timeout: 60, retries: 0)
        _ = try await store.record(cycle: Self.cycle(1, []), rule: Self.rule)  // the baseline
        _ = try await store.record(
            cycle: Self.cycle(2, [S.job("ftjob-1", "queued")], hooks: [hook]), rule: Self.rule)
        let runner = HookDispatcherStopTests.SleepingRunner(seconds: 0.5)
        var dispatcher = HookDispatcher(
            outbox: store, runner: runner, hooks: [hook], databasePath: "/tmp/db", logger: .quiet)
        dispatcher.stopGrace = .seconds(10)
        let drain = Task { try await dispatcher.drain() }
        while runner.started.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        drain.cancel()  // the stop, while the hook runs
        _ = try? await drain.value

        #expect(try await store.pendingDeliveries().isEmpty)
        let run = try #require(try await store.hookRuns(failedOnly: false, limit: 10).first)
        #expect(run.status == "succeeded")
        #expect(run.attempts == 1)
    }

    /// And a hook the stop cuts short is recorded as cut short, its delivery pending.
    @Test(arguments: StoreBackend.all)
    func aHookTheStopCutsShortIsRecordedAsCutShort(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        let hook = HookSettings(
            name: "slow", on: ["*"], command: .argv(["/bin/true"]), timeout: 60, retries: 0)
        _ = try await store.record(cycle: Self.cycle(1, []), rule: Self.rule)
        _ = try await store.record(
            cycle: Self.cycle(2, [S.job("ftjob-1", "queued")], hooks: [hook]), rule: Self.rule)
        let runner = HookDispatcherStopTests.SleepingRunner(seconds: 120)
        var dispatcher = HookDispatcher(
            outbox: store, runner: runner, hooks: [hook], databasePath: "/tmp/db", logger: .quiet)
        dispatcher.stopGrace = .milliseconds(200)
        let drain = Task { try await dispatcher.drain() }
        while runner.started.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        drain.cancel()
        _ = try? await drain.value

        let pending = try await store.pendingDeliveries()
        #expect(pending.count == 1)
        #expect(pending.first?.attemptsMade == 0)
        #expect(pending.first?.interruptedRuns == 0)  // cut by the stop, not by ftd dying
        let run = try #require(try await store.hookRuns(failedOnly: false, limit: 10).first)
        #expect(run.lastStderrLine?.contains("stopped by the daemon's shutdown") == true)
    }
}
