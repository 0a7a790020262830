import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
import Foundation
import Testing

/// How the dispatcher spaces attempts out and how many jobs' hooks run at once (mutants
/// of both went unnoticed).
@Suite(.timeLimit(.minutes(1))) struct HookDispatcherPacingTests {
    /// Blocks every run until released; counts the runs under way at once.
    final class GatedRunner: HookRunning, Sendable {
        private let state = Locked((started: 0, running: 0, most: 0, open: false))

        var started: Int { state.withLock { $0.started } }
        var most: Int { state.withLock { $0.most } }
        func open() { state.withLock { $0.open = true } }

        func run(_ hook: HookSettings, environment: [String: String], stdin: Data) async -> HookRunResult {
            state.withLock {
                $0.started += 1
                $0.running += 1
                $0.most = max($0.most, $0.running)
            }
            while !state.withLock({ $0.open }) { try? await Task.sleep(for: .milliseconds(5)) }
            state.withLock { $0.running -= 1 }
            return HookRunResult(exitCode: 0, timedOut: false, startedAt: 1, durationMs: 1)
        }
    }

    /// Fails every attempt.
    struct FailingRunner: HookRunning {
        func run(_ hook: HookSettings, environment: [String: String], stdin: Data) async -> HookRunResult {
            HookRunResult(exitCode: 1, timedOut: false, startedAt: 1, durationMs: 1)
        }
    }

    let store: AppDatabase

    init() throws {
        store = try AppDatabase.inMemory()
        _ = try store.record(cycle: CycleRecord(observedAt: 1))  // the baseline
    }

    func observe(_ jobs: [String], hook: HookSettings) throws {
        var cycle = CycleRecord(
            observedAt: 2, jobs: jobs.map { FineTuningJob(id: $0, status: "succeeded", createdAt: 1) })
        cycle.hooks = [hook]
        _ = try store.record(cycle: cycle)
    }

    @Test func theDefaultBackoffIs1Then2Then4SecondsCapped() {
        let dispatcher = HookDispatcher(
            outbox: SQLiteStore(store), runner: FailingRunner(), hooks: [], databasePath: "/tmp/db",
            logger: .quiet)
        #expect((1...4).map(dispatcher.backoff) == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
        #expect(dispatcher.backoff(40) == .seconds(1024))
    }

    @Test func eachRetryWaitsTheBackoffOfTheAttemptsMadeAndTheFirstAttemptNone() async throws {
        let hook = HookSettings(name: "h", on: ["*"], command: .argv(["/bin/true"]), timeout: 5, retries: 3)
        try observe(["ftjob-1"], hook: hook)
        let waits = Locked<[Int]>([])
        var dispatcher = HookDispatcher(
            outbox: SQLiteStore(store), runner: FailingRunner(), hooks: [hook], databasePath: "/tmp/db",
            logger: .quiet)
        dispatcher.backoff = { made in
            waits.withLock { $0.append(made) }
            return .zero
        }
        try await dispatcher.drain()
        #expect(waits.withLock { $0 } == [1, 2, 3])
        #expect(try store.hookRuns().first?.attempts == 4)
    }

    @Test func atMostMaxConcurrentJobsRunAtOnce() async throws {
        let hook = HookSettings(name: "h", on: ["*"], command: .argv(["/bin/true"]), timeout: 5, retries: 0)
        try observe(["ftjob-1", "ftjob-2", "ftjob-3"], hook: hook)
        let runner = GatedRunner()
        var dispatcher = HookDispatcher(
            outbox: SQLiteStore(store), runner: runner, hooks: [hook], databasePath: "/tmp/db", logger: .quiet
        )
        dispatcher.maxConcurrentJobs = 2
        let drain = Task { try await dispatcher.drain() }
        let deadline = ContinuousClock.now + .seconds(30)
        while runner.started < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        // A third job given room would start at once; a slow machine can only hide that,
        // never fail a correct dispatcher.
        try await Task.sleep(for: .milliseconds(300))
        #expect(runner.started == 2)
        runner.open()
        try await drain.value
        #expect(runner.started == 3)
        #expect(runner.most == 2)
        #expect(try store.pendingDeliveries().isEmpty)
    }
}
