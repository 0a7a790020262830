import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
import Testing

/// Found by the random-fault invariant (`RandomFaultInvariantTests`): the daemon recorded a
/// successful attempt and marked its delivery done in two transactions, so a crash between
/// them left a delivery whose hook had succeeded pending. After the restart the hook ran
/// again although no attempt was interrupted, and when the success had been the last
/// attempt allowed the delivery was marked failed.
@Suite(.timeLimit(.minutes(1))) struct DeliveryCrashWindowTests {
    let store: AppDatabase

    init() throws {
        store = try AppDatabase.inMemory(logger: .quiet)
        _ = try store.record(cycle: CycleRecord(observedAt: 1))  // the baseline
    }

    func deliveryWhoseHookSucceededJustBeforeACrash(retries: Int) throws -> (HookSettings, String) {
        let hook = HookSettings(name: "notify", on: ["*"], command: .argv(["/bin/true"]), retries: retries)
        var cycle = CycleRecord(
            observedAt: 2, jobs: [FineTuningJob(id: "ftjob-1", status: "succeeded", createdAt: 1)])
        cycle.hooks = [hook]
        _ = try store.record(cycle: cycle)
        let delivery = try #require(try store.pendingDeliveries().first)
        let run = try store.beginAttempt(deliveryID: delivery.id, startedAt: 3)
        try store.finishAttempt(
            runID: run.runID, result: HookRunResult(exitCode: 0, timedOut: false, startedAt: 3, durationMs: 5)
        )
        // The daemon dies here, before it marks the delivery done, and starts again.
        try store.markInterruptedAttempts()
        return (hook, delivery.id)
    }

    func drain(_ hook: HookSettings) async throws -> HookDispatcherTests.ScriptedRunner {
        let runner = HookDispatcherTests.ScriptedRunner()
        var dispatcher = HookDispatcher(
            outbox: SQLiteStore(store), runner: runner, hooks: [hook], databasePath: ":memory:",
            logger: .quiet)
        dispatcher.backoff = { _ in .zero }
        try await dispatcher.drain()
        return runner
    }

    @Test func aHookThatSucceededDoesNotRunAgainAfterTheRestart() async throws {
        let (hook, _) = try deliveryWhoseHookSucceededJustBeforeACrash(retries: 2)
        #expect(try store.pendingDeliveries().isEmpty)
        let runner = try await drain(hook)
        #expect(await runner.calls.isEmpty)
        let runs = try store.jobDetail(id: "ftjob-1").hookRuns
        #expect(runs.map(\.status) == ["succeeded"])
    }

    @Test func itsLastAttemptSucceededSoTheDeliverySucceeded() async throws {
        let (hook, id) = try deliveryWhoseHookSucceededJustBeforeACrash(retries: 0)
        _ = try await drain(hook)
        let deliveries = try store.hookRuns(failedOnly: false, limit: 10)
        #expect(deliveries.map(\.deliveryID) == [id])
        #expect(deliveries.map(\.status) == ["succeeded"])
        #expect(try store.hookRuns(failedOnly: true, limit: 10).isEmpty)
    }
}
