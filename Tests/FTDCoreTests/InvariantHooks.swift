import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
import Foundation

/// Hooks that fail, time out, and take the daemon down with them, for the random-fault
/// invariant. A crash is a `kill -9`: from its moment on no write of the "process" reaches
/// the database (`CrashingOutbox` throws), so the attempt under way stays begun and never
/// finished, and the restart's `markInterruptedAttempts()` finds it. The crash lands after
/// the hook's process started, as a real one almost always does (the hook is where the
/// time goes): while the hook runs, right after its result was recorded, or right after
/// its delivery was marked done.
final class HookChaos: Sendable {
    enum Behaviour: Equatable {
        case exit(Int32)
        case timeout
        /// The daemon dies while the hook runs; the hook itself ends with this code.
        case crashWhileRunning(exit: Int32)
        case crashAfterFinish(exit: Int32)
        case crashAfterComplete
    }

    enum CrashPoint: Equatable { case afterFinish, afterComplete }

    /// One run of a hook's process, as the hook itself saw it.
    struct Execution: Sendable {
        var deliveryID: String
        var jobID: String
        var attempt: Int
        var succeeded: Bool
    }

    struct SimulatedCrash: Error {}

    let seed: UInt64
    /// False: every hook exits 0 and nothing crashes (the fault-free run).
    let enabled: Bool
    private let state = Locked(State())

    private struct State {
        var crashed = false
        var crashes = 0
        var executions: [Execution] = []
        var crashAt: [String: CrashPoint] = [:]
        var runs: [Int64: String] = [:]
    }

    init(seed: UInt64, enabled: Bool) {
        self.seed = seed
        self.enabled = enabled
    }

    var executions: [Execution] { state.withLock { $0.executions } }
    var crashes: Int { state.withLock { $0.crashes } }
    var isCrashed: Bool { state.withLock { $0.crashed } }

    /// The daemon starts again.
    func restart() { state.withLock { $0.crashed = false } }

    /// What an attempt does: a function of the seed and the attempt alone, so that a seed
    /// replays whatever order concurrent jobs run their hooks in.
    func behaviour(job: String, from: String, to: String, hook: String, attempt: String) -> Behaviour {
        guard enabled else { return .exit(0) }
        let roll = InvariantGenerator.percent(seed: seed, key: "\(job) \(from) \(to) \(hook) \(attempt)")
        switch roll {
        case 0..<55: return .exit(0)
        case 55..<70: return .exit(1)
        case 70..<75: return .timeout
        case 75..<83: return .crashWhileRunning(exit: 0)
        case 83..<88: return .crashWhileRunning(exit: 1)
        case 88..<93: return .crashAfterFinish(exit: 0)
        case 93..<96: return .crashAfterFinish(exit: 1)
        default: return .crashAfterComplete
        }
    }

    fileprivate func ran(_ execution: Execution, crashAt point: CrashPoint?, crashNow: Bool) {
        state.withLock {
            $0.executions.append(execution)
            $0.crashAt[execution.deliveryID] = point
            if crashNow { Self.crash(&$0) }
        }
    }

    fileprivate func began(runID: Int64, deliveryID: String) {
        state.withLock { $0.runs[runID] = deliveryID }
    }

    /// Throws when the process is dead, or dies at `point` of the delivery behind `runID`
    /// or `deliveryID`.
    fileprivate func checkAlive(at point: CrashPoint? = nil, runID: Int64? = nil, deliveryID: String? = nil)
        throws
    {
        try state.withLock { state in
            if state.crashed { throw SimulatedCrash() }
            guard let point, let id = deliveryID ?? runID.flatMap({ state.runs[$0] }),
                state.crashAt[id] == point
            else { return }
            state.crashAt[id] = nil
            Self.crash(&state)
            throw SimulatedCrash()
        }
    }

    private static func crash(_ state: inout State) {
        state.crashed = true
        state.crashes += 1
    }
}

/// The hook runner of the invariant: answers from `HookChaos` and logs every run.
struct ChaosRunner: HookRunning {
    let chaos: HookChaos

    func run(_ hook: HookSettings, environment: [String: String], stdin: Data) async -> HookRunResult {
        let job = environment["FTD_JOB_ID"] ?? ""
        let attempt = environment["FTD_ATTEMPT"] ?? ""
        let behaviour = chaos.behaviour(
            job: job, from: environment["FTD_PREVIOUS_STATUS"] ?? "", to: environment["FTD_STATUS"] ?? "",
            hook: hook.name, attempt: attempt)
        var exit: Int32? = 0
        var crashAt: HookChaos.CrashPoint?
        var crashNow = false
        switch behaviour {
        case .exit(let code): exit = code
        case .timeout: exit = nil
        case .crashWhileRunning(let code):
            exit = code
            crashNow = true
        case .crashAfterFinish(let code):
            exit = code
            crashAt = .afterFinish
        case .crashAfterComplete: crashAt = .afterComplete
        }
        let execution = HookChaos.Execution(
            deliveryID: environment["FTD_DELIVERY_ID"] ?? "", jobID: job, attempt: Int(attempt) ?? 0,
            succeeded: exit == 0)
        chaos.ran(execution, crashAt: crashAt, crashNow: crashNow)
        return HookRunResult(exitCode: exit, timedOut: exit == nil, startedAt: 0, durationMs: 1)
    }
}

/// The database as a process that may die: forwards to the real outbox until
/// `HookChaos` says the process crashed, then every write throws.
struct CrashingOutbox: DeliveryOutbox {
    let store: AppDatabase
    let chaos: HookChaos

    func pendingDeliveries() throws -> [HookDelivery] {
        try chaos.checkAlive()
        return try store.pendingDeliveries()
    }

    func beginAttempt(deliveryID: String, startedAt: Int64) throws -> (runID: Int64, attempt: Int) {
        try chaos.checkAlive()
        let begun = try store.beginAttempt(deliveryID: deliveryID, startedAt: startedAt)
        chaos.began(runID: begun.runID, deliveryID: deliveryID)
        return begun
    }

    func finishAttempt(runID: Int64, result: HookRunResult, cutByStop: Bool) throws {
        try chaos.checkAlive()
        try store.finishAttempt(runID: runID, result: result, cutByStop: cutByStop)
        try chaos.checkAlive(at: .afterFinish, runID: runID)
    }

    func completeDelivery(id: String, succeeded: Bool, at time: Int64, note: String?) throws {
        try chaos.checkAlive()
        try store.completeDelivery(id: id, succeeded: succeeded, at: time, note: note)
        try chaos.checkAlive(at: .afterComplete, deliveryID: id)
    }
}
