import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
import Foundation
import Testing

/// The dispatcher against a real in-memory outbox and a scripted runner.
@Suite(.timeLimit(.minutes(1))) struct HookDispatcherTests {
    /// Records each call; answers from a script of exit codes per hook (0 once exhausted).
    actor ScriptedRunner: HookRunning {
        var calls: [(hook: String, job: String, status: String, attempt: String)] = []
        var exitCodes: [String: [Int32]] = [:]
        var gate: [String: CheckedContinuation<Void, Never>] = [:]
        var blockedJob: String?

        init(exitCodes: [String: [Int32]] = [:], blockJob: String? = nil) {
            self.exitCodes = exitCodes
            self.blockedJob = blockJob
        }

        func release(_ job: String) {
            blockedJob = nil
            gate.removeValue(forKey: job)?.resume()
        }

        nonisolated func run(_ hook: HookSettings, environment: [String: String], stdin: Data) async
            -> HookRunResult
        {
            await record(hook: hook.name, environment: environment)
        }

        private func record(hook: String, environment: [String: String]) async -> HookRunResult {
            let job = environment["FTD_JOB_ID"] ?? ""
            calls.append((hook, job, environment["FTD_STATUS"] ?? "", environment["FTD_ATTEMPT"] ?? ""))
            if job == blockedJob { await withCheckedContinuation { gate[job] = $0 } }
            var codes = exitCodes[hook] ?? []
            let code = codes.isEmpty ? 0 : codes.removeFirst()
            exitCodes[hook] = codes
            return HookRunResult(exitCode: code, timedOut: false, startedAt: 1, durationMs: 1)
        }
    }

    let store: AppDatabase

    init() throws {
        store = try AppDatabase.inMemory()
        // The baseline, so later transitions fire hooks.
        _ = try store.record(cycle: CycleRecord(observedAt: 1))
    }

    func hook(_ name: String, on: [String] = ["*"], retries: Int = 2) -> HookSettings {
        HookSettings(name: name, on: on, command: .argv(["/bin/true"]), timeout: 5, retries: retries)
    }

    func observe(_ job: String, _ status: String, at time: Int64, hooks: [HookSettings]) throws {
        var cycle = CycleRecord(
            observedAt: time, jobs: [FineTuningJob(id: job, status: status, createdAt: 1)])
        cycle.hooks = hooks
        _ = try store.record(cycle: cycle)
    }

    func dispatcher(_ runner: ScriptedRunner, hooks: [HookSettings]) -> HookDispatcher {
        var dispatcher = HookDispatcher(
            outbox: SQLiteStore(store), runner: runner, hooks: hooks, databasePath: "/tmp/ftd.sqlite3",
            logger: .quiet)
        dispatcher.backoff = { _ in .zero }
        return dispatcher
    }

    @Test func oneJobsDeliveriesRunInTheOrderOfItsTransitions() async throws {
        let hooks = [hook("a"), hook("b")]
        try observe("ftjob-1", "queued", at: 2, hooks: hooks)
        try observe("ftjob-1", "running", at: 3, hooks: hooks)
        try observe("ftjob-1", "succeeded", at: 4, hooks: hooks)
        let runner = ScriptedRunner()
        try await dispatcher(runner, hooks: hooks).drain()
        let calls = await runner.calls.map { "\($0.hook):\($0.status)" }
        #expect(calls == ["a:queued", "b:queued", "a:running", "b:running", "a:succeeded", "b:succeeded"])
        #expect(try store.pendingDeliveries().isEmpty)
    }

    @Test func aHookThatFailsTwiceThenSucceedsShowsAttempts123() async throws {
        let hooks = [hook("flaky", retries: 2)]
        try observe("ftjob-1", "succeeded", at: 2, hooks: hooks)
        let runner = ScriptedRunner(exitCodes: ["flaky": [1, 3]])
        try await dispatcher(runner, hooks: hooks).drain()
        #expect(await runner.calls.map(\.attempt) == ["1", "2", "3"])
        let runs = try store.jobDetail(id: "ftjob-1").hookRuns
        #expect(runs.map(\.attempt) == [1, 2, 3])
        #expect(runs.map(\.status) == ["failed", "failed", "succeeded"])
        #expect(runs.map(\.exitCode) == [1, 3, 0])
        #expect(Set(runs.map(\.deliveryID)).count == 1)
    }

    @Test func aDeliveryThatUsesUpItsAttemptsIsDoneAndNeverRunsAgain() async throws {
        let hooks = [hook("broken", retries: 1)]
        try observe("ftjob-1", "failed", at: 2, hooks: hooks)
        let runner = ScriptedRunner(exitCodes: ["broken": [1, 1, 1, 1]])
        try await dispatcher(runner, hooks: hooks).drain()
        #expect(await runner.calls.count == 2)
        #expect(try store.pendingDeliveries().isEmpty)
        // Recorded as failed, with both attempts, and listed among the failed ones.
        let failed = try store.hookRuns(failedOnly: true, limit: 10)
        #expect(failed.map(\.status) == ["failed"])
        #expect(failed.first?.attempts == 2)
        #expect(failed.first?.lastExitCode == 1)
        let runs = try store.jobDetail(id: "ftjob-1").hookRuns
        #expect(runs.map(\.attempt) == [1, 2])
        #expect(runs.map(\.status) == ["failed", "failed"])
        #expect(runs.map(\.exitCode) == [1, 1])
        try await dispatcher(runner, hooks: hooks).drain()
        #expect(await runner.calls.count == 2)
    }

    /// Issue 12: the daemon died while the hook ran (`kill -9`). That attempt is numbered
    /// and kept, but does not use up a retry: even `retries = 0` gets one attempt that ran
    /// to its end.
    @Test func anAttemptCutShortByACrashIsNumberedButUsesUpNoRetry() async throws {
        let hooks = [hook("notify", retries: 0)]
        try observe("ftjob-1", "succeeded", at: 2, hooks: hooks)
        let delivery = try #require(try store.pendingDeliveries().first)
        _ = try store.beginAttempt(deliveryID: delivery.id, startedAt: 3)  // then the daemon died
        #expect(try store.markInterruptedAttempts() == 1)
        let runner = ScriptedRunner(exitCodes: ["notify": [1]])
        try await dispatcher(runner, hooks: hooks).drain()
        #expect(await runner.calls.map(\.attempt) == ["2"])  // 1 + retries = 1 whole attempt
        #expect(try store.pendingDeliveries().isEmpty)
        let runs = try store.jobDetail(id: "ftjob-1").hookRuns
        #expect(runs.map(\.attempt) == [1, 2])
        #expect(runs.map(\.status) == ["failed", "failed"])
        #expect(runs.map(\.exitCode) == [nil, 1])
        #expect(try store.hookRuns(failedOnly: true, limit: 10).map(\.attempts) == [2])
    }

    @Test func retriesCountOnlyTheAttemptsThatRanToTheirEnd() async throws {
        let hooks = [hook("notify", retries: 1)]
        try observe("ftjob-1", "succeeded", at: 2, hooks: hooks)
        let delivery = try #require(try store.pendingDeliveries().first)
        let first = try store.beginAttempt(deliveryID: delivery.id, startedAt: 3)
        try store.finishAttempt(
            runID: first.runID,
            result: HookRunResult(exitCode: 1, timedOut: false, startedAt: 3, durationMs: 1))
        _ = try store.beginAttempt(deliveryID: delivery.id, startedAt: 4)  // then the daemon died
        try store.markInterruptedAttempts()
        let runner = ScriptedRunner(exitCodes: ["notify": [1, 1]])
        try await dispatcher(runner, hooks: hooks).drain()
        // Attempt 1 failed, 2 was cut short: one retry is left, attempt 3.
        #expect(await runner.calls.map(\.attempt) == ["3"])
        #expect(try store.hookRuns(failedOnly: true, limit: 10).map(\.attempts) == [3])
    }

    /// A hook that takes the daemon down with it must not run forever: after
    /// `maxInterruptedAttempts` attempts cut short, the delivery fails, and
    /// `ftd hooks runs` says why.
    @Test(arguments: [HookDispatcher.maxInterruptedAttempts - 1, HookDispatcher.maxInterruptedAttempts])
    func aCrashLoopIsBoundedAtFiveInterruptedAttempts(interrupted: Int) async throws {
        let hooks = [hook("notify", retries: 0)]
        try observe("ftjob-1", "succeeded", at: 2, hooks: hooks)
        let delivery = try #require(try store.pendingDeliveries().first)
        for time in 0..<Int64(interrupted) {
            _ = try store.beginAttempt(deliveryID: delivery.id, startedAt: 3 + time)
            try store.markInterruptedAttempts()  // the daemon died, and started again
        }
        #expect(try store.pendingDeliveries().first?.interruptedRuns == interrupted)
        let runner = ScriptedRunner()
        try await dispatcher(runner, hooks: hooks).drain()
        #expect(try store.pendingDeliveries().isEmpty)
        let view = try #require(try store.hookRuns().first)
        if interrupted < HookDispatcher.maxInterruptedAttempts {
            #expect(await runner.calls.map(\.attempt) == ["\(interrupted + 1)"])
            #expect(view.status == "succeeded")
        } else {
            #expect(await runner.calls.isEmpty)
            #expect(view.status == "failed")
            #expect(view.attempts == interrupted)
            #expect(
                view.lastStderrLine
                    == "ftd: gave up after 5 attempts cut short by ftd dying while the hook ran (see ftd's log); to run it by hand: ftd hooks test notify --job ftjob-1 --status succeeded"
            )
            let statuses = try store.jobDetail(id: "ftjob-1").hookRuns.map(\.status)
            #expect(statuses == Array(repeating: "failed", count: interrupted))
        }
    }

    @Test func differentJobsRunSideBySide() async throws {
        let hooks = [hook("notify")]
        try observe("ftjob-slow", "succeeded", at: 2, hooks: hooks)
        try observe("ftjob-fast", "succeeded", at: 3, hooks: hooks)
        let runner = ScriptedRunner(blockJob: "ftjob-slow")
        let drain = Task { try await dispatcher(runner, hooks: hooks).drain() }
        // The fast job's hook runs while the slow one's is still blocked.
        while await !runner.calls.contains(where: { $0.job == "ftjob-fast" }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        await runner.release("ftjob-slow")
        try await drain.value
        #expect(try store.pendingDeliveries().isEmpty)
    }

    @Test func aDeliveryForAHookNoLongerConfiguredIsDroppedNotRetriedForever() async throws {
        try observe("ftjob-1", "succeeded", at: 2, hooks: [hook("old")])
        let runner = ScriptedRunner()
        try await dispatcher(runner, hooks: [hook("new")]).drain()
        #expect(await runner.calls.isEmpty)
        #expect(try store.pendingDeliveries().isEmpty)
    }
}
