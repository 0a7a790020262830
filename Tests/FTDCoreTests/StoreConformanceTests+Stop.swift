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
    static let slowHook = HookSettings(
        name: "slow", on: ["*"], command: .argv(["/bin/true"]), timeout: 60, retries: 0)

    /// A store with one pending delivery, whose hook (sleeping `seconds`) is stopped
    /// `stopAfter` into its run, with `grace` to finish.
    static func stopWhileTheHookRuns(
        _ backend: StoreBackend, seconds: Double, grace: Duration, stopAfter: Duration
    ) async throws -> any JobStore {
        let store = try await backend.make().store
        _ = try await store.record(cycle: Self.cycle(1, []), rule: Self.rule)  // the baseline
        _ = try await store.record(
            cycle: Self.cycle(2, [S.job("ftjob-1", "queued")], hooks: [slowHook]), rule: Self.rule)
        let runner = HookDispatcherStopTests.SleepingRunner(seconds: seconds)
        var dispatcher = HookDispatcher(
            outbox: store, runner: runner, hooks: [slowHook], databasePath: "/tmp/db", logger: .quiet)
        dispatcher.stopGrace = grace
        let drain = Task { try await dispatcher.drain() }
        while runner.started.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: stopAfter)
        drain.cancel()  // the stop, while the hook runs
        _ = try? await drain.value
        return store
    }

    @Test(arguments: StoreBackend.all)
    func aHookThatFinishesWithinTheStopsGraceIsRecordedAsDone(_ backend: StoreBackend) async throws {
        let store = try await Self.stopWhileTheHookRuns(
            backend, seconds: 0.5, grace: .seconds(10), stopAfter: .milliseconds(100))
        #expect(try await store.pendingDeliveries().isEmpty)
        let run = try #require(try await store.hookRuns(failedOnly: false, limit: 10).first)
        #expect(run.status == "succeeded")
        #expect(run.attempts == 1)
    }

    /// And a hook the stop cuts short is recorded as cut short, its delivery pending.
    @Test(arguments: StoreBackend.all)
    func aHookTheStopCutsShortIsRecordedAsCutShort(_ backend: StoreBackend) async throws {
        let store = try await Self.stopWhileTheHookRuns(
            backend, seconds: 120, grace: .milliseconds(200), stopAfter: .zero)
        let pending = try await store.pendingDeliveries()
        #expect(pending.count == 1)
        #expect(pending.first?.attemptsMade == 0)
        #expect(pending.first?.interruptedRuns == 0)  // cut by the stop, not by ftd dying
        let run = try #require(try await store.hookRuns(failedOnly: false, limit: 10).first)
        #expect(run.lastStderrLine?.contains("stopped by the daemon's shutdown") == true)
    }
}
