import AsyncHTTPClient
import FTDAPI
import FTDConfig
import FTDEngine
import FTDModel
import FTDSimulator
import FTDStore
import Foundation
import Logging

/// One run of `InvariantAccount` through the schedule: the real client and poll cycle, an
/// in-memory database, the dispatcher with `ChaosRunner`. Without a plan, one cycle per
/// step and hooks that always succeed: the reference. With one, at each step the plan's
/// faults, then cycles until one completes without a failure, the hooks drained after
/// every cycle (restarting after each crash), then the clock moves on.
struct InvariantRun {
    struct Outcome {
        var dump: DatabaseDump
        var executions: [HookChaos.Execution]
        var deliveries: [DeliveryFacts]
        var cycles: Int
        var failedCycles: Int
        var crashes: Int
        /// API requests the simulator answered, retries included.
        var requests: Int
    }

    /// When a step takes more cycles than this, the run fails: faults are finite.
    static let maxCyclesPerStep = 30
    static let maxRestartsPerDrain = 60

    let plan: InvariantFaultPlan?
    /// Steps whose cycle is skipped (only to show that the comparison notices).
    var skippedSteps: Set<Int> = []

    init(plan: InvariantFaultPlan?) {
        self.plan = plan
    }

    func run() async throws -> Outcome {
        let simulator = FineTuningSimulator(configuration: InvariantAccount.configuration, logger: .quiet)
        var jobIDs: [String] = []
        for script in InvariantAccount.jobs { jobIDs.append(await simulator.addJob(script)) }
        try await simulator.start()
        do {
            let outcome = try await run(on: simulator, jobIDs: jobIDs)
            await simulator.stop()
            return outcome
        } catch {
            await simulator.stop()
            throw error
        }
    }

    private func run(on simulator: FineTuningSimulator, jobIDs: [String]) async throws -> Outcome {
        var settings = APISettings()
        settings.baseURL = await simulator.baseURL
        settings.requestTimeout = InvariantFaultPlan.requestTimeout
        settings.maxRetries = 2
        let retryPolicy = RetryPolicy(maxRetries: 2, baseDelay: 0.002, maxDelay: 0.01)
        let api = OpenAIClient(
            settings: settings, apiKey: "sk-invariant", httpClient: .tests, logger: .quiet,
            retryPolicy: retryPolicy, jitter: { 0.5 })
        let store = try AppDatabase.inMemory(logger: .quiet)
        let clock = Locked(InvariantAccount.start)
        var cycle = PollCycle(
            api: api, store: SQLiteStore(store), logger: .quiet, now: { clock.withLock { $0 } })
        cycle.pageSizes = InvariantAccount.pageSizes
        cycle.hooks = InvariantAccount.hooks
        cycle.concurrency = plan?.concurrency ?? 4

        let chaos = HookChaos(seed: plan?.seed ?? 0, enabled: plan != nil)
        var dispatcher = HookDispatcher(
            outbox: CrashingOutbox(store: store, chaos: chaos), runner: ChaosRunner(chaos: chaos),
            hooks: InvariantAccount.hooks, databasePath: ":memory:", logger: .quiet,
            now: { clock.withLock { $0 } })
        dispatcher.backoff = { _ in .zero }
        dispatcher.stopGrace = .zero

        var (cycles, failedCycles) = (0, 0)
        for (step, time) in InvariantAccount.clockTimes.enumerated() {
            let now = await simulator.now()
            if time > now { await simulator.advanceClock(by: time - now) }
            clock.withLock { $0 = time }
            guard !skippedSteps.contains(step) else { continue }
            for rule in plan?.rules(step: step, jobIDs: jobIDs) ?? [] { await simulator.addFault(rule) }
            var cyclesThisStep = 0
            while true {
                cyclesThisStep += 1
                cycles += 1
                let report = try await cycle.run()
                try await drain(dispatcher, store: store, chaos: chaos)
                if report.recorded && report.failures.isEmpty { break }
                failedCycles += 1
                guard plan != nil, cyclesThisStep < Self.maxCyclesPerStep else {
                    throw InvariantRunError(
                        step: step,
                        message: "no cycle completed after \(cyclesThisStep); last failures: "
                            + report.failures.map { "\($0)" }.joined(separator: "; "))
                }
            }
            await simulator.clearFaults()
        }
        return Outcome(
            dump: try DatabaseDump(store), executions: chaos.executions,
            deliveries: try DeliveryFacts.all(in: store), cycles: cycles, failedCycles: failedCycles,
            crashes: chaos.crashes, requests: await simulator.requestLog().count)
    }

    /// Runs the hooks until none is pending; after a crash, does what a restart does
    /// (`markInterruptedAttempts()`) and runs them again.
    private func drain(_ dispatcher: HookDispatcher, store: AppDatabase, chaos: HookChaos) async throws {
        var restarts = 0
        while true {
            do {
                try await dispatcher.drain()
                return
            } catch  where chaos.isCrashed {
                restarts += 1
                guard restarts <= Self.maxRestartsPerDrain else { throw error }
                try store.markInterruptedAttempts()
                chaos.restart()
            }
        }
    }
}

struct InvariantRunError: Error, CustomStringConvertible {
    var step: Int
    var message: String
    var description: String { "step \(step): \(message)" }
}
