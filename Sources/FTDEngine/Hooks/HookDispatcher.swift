import FTDConfig
import FTDModel
import FTDStore
import Foundation
import Logging

/// Runs pending deliveries (SPEC section 5): one job's in the order of its transitions,
/// different jobs' side by side (bounded), each retried with backoff (1 s, 2 s, 4 s, …)
/// until it exits 0 or has used `1 + retries` attempts, counted across restarts.
///
/// Only attempts that ran to their end (an exit or a timeout) use up the retries: one a
/// crash or a graceful stop cut short is recorded and numbered, and the delivery runs
/// again, so even `retries = 0` gets one whole attempt. A crash loop is bounded apart:
/// after `maxInterruptedAttempts` interrupted attempts the delivery is marked failed.
public struct HookDispatcher: Sendable {
    /// Interrupted attempts (the daemon died while the hook ran) after which a delivery
    /// is given up: a hook that takes the machine or the daemon down must not run forever.
    public static let maxInterruptedAttempts = 5

    let outbox: any DeliveryOutbox
    let runner: any HookRunning
    /// Read when a delivery runs, so a reload (SIGHUP) reaches deliveries a drain that
    /// began before it picks up.
    let hooks: @Sendable () -> [HookSettings]
    let databasePath: String
    let logger: Logger
    /// Jobs whose deliveries run at the same time.
    public var maxConcurrentJobs = 4
    /// How long a hook already running may go on once the drain is cancelled (graceful
    /// stop: `daemon.stop_timeout`); then its process group is stopped and the attempt is
    /// recorded as cut short, not counted, so the delivery runs again after the next start.
    public var stopGrace: Duration = .seconds(10)
    /// Asked when the drain is cancelled: true when the hooks must stop at once, with no
    /// grace (the daemon lost the shared store's leader lease, SPEC section 11: its hooks
    /// must be stopped before the lease can have expired). Their attempts are recorded as
    /// cut short, as a graceful stop's are, and the deliveries run again on the next leader.
    public var cutAtOnce: @Sendable () -> Bool = { false }
    /// The wait before attempt `n + 1`, given `n` attempts made.
    public var backoff: @Sendable (Int) -> Duration = { made in .seconds(1 << min(max(made - 1, 0), 10)) }
    let now: @Sendable () -> Int64
    /// Counts the attempts that ran to their end (`ftd_hook_runs_total`).
    public var metrics = HookMetrics()

    public init(
        outbox: any DeliveryOutbox, runner: any HookRunning, hooks: [HookSettings], databasePath: String,
        logger: Logger, now: @escaping @Sendable () -> Int64 = PollCycle.unixNow
    ) {
        self.init(
            outbox: outbox, runner: runner, hookSource: { hooks }, databasePath: databasePath, logger: logger,
            now: now)
    }

    /// - Parameter hookSource: the hooks configured now.
    public init(
        outbox: any DeliveryOutbox, runner: any HookRunning,
        hookSource: @escaping @Sendable () -> [HookSettings],
        databasePath: String, logger: Logger, now: @escaping @Sendable () -> Int64 = PollCycle.unixNow
    ) {
        self.outbox = outbox
        self.runner = runner
        self.hooks = hookSource
        self.databasePath = databasePath
        self.logger = logger
        self.now = now
    }

    /// Runs deliveries until none is pending. Deliveries that appear meanwhile (another
    /// cycle committed) are taken too. Cancellation stops between attempts; a delivery
    /// left undone runs after the next start.
    public func drain() async throws {
        var busyJobs: Set<String> = []
        try await withThrowingTaskGroup(of: String.self) { group in
            while !Task.isCancelled {
                let queues = Self.queuesByJob(try await outbox.pendingDeliveries())
                var started = false
                for (jobID, deliveries) in queues
                where !busyJobs.contains(jobID) && busyJobs.count < max(1, maxConcurrentJobs) {
                    busyJobs.insert(jobID)
                    started = true
                    group.addTask {
                        for delivery in deliveries {
                            try Task.checkCancellation()
                            try await self.deliver(delivery)
                        }
                        return jobID
                    }
                }
                if busyJobs.isEmpty && !started { return }
                guard let finished = try await group.next() else { return }
                busyJobs.remove(finished)
            }
        }
    }

    /// Pending deliveries grouped by job, each group in transition order, the groups in
    /// the order of their first delivery.
    static func queuesByJob(_ deliveries: [HookDelivery]) -> [(String, [HookDelivery])] {
        var order: [String] = []
        var queues: [String: [HookDelivery]] = [:]
        for delivery in deliveries {
            if queues[delivery.transition.jobID] == nil { order.append(delivery.transition.jobID) }
            queues[delivery.transition.jobID, default: []].append(delivery)
        }
        return order.map { ($0, queues[$0] ?? []) }
    }

    func deliver(_ delivery: HookDelivery) async throws {
        var metadata: Logger.Metadata = [
            "hook.name": "\(delivery.hook)", "hook.delivery_id": "\(delivery.id)",
            "job.id": "\(delivery.transition.jobID)", "job.status": "\(delivery.transition.to)",
        ]
        if let alert = delivery.alert { metadata["alert.kind"] = "\(alert.kind.rawValue)" }
        guard let hook = hooks().first(where: { $0.name == delivery.hook }) else {
            logger.error("hook is no longer configured: delivery dropped", metadata: metadata)
            try await outbox.completeDelivery(id: delivery.id, succeeded: false, at: now(), note: nil)
            return
        }
        if delivery.interruptedRuns >= Self.maxInterruptedAttempts {
            logger.error(
                "hook was cut short \(delivery.interruptedRuns) times by ftd dying while it ran: giving up on this delivery",
                metadata: metadata)
            try await outbox.completeDelivery(
                id: delivery.id, succeeded: false, at: now(), note: Self.interruptedTooOftenNote(delivery))
            return
        }
        let maxAttempts = 1 + hook.retries
        var made = delivery.attemptsMade
        while made < maxAttempts {
            if made > 0 { try await Task.sleep(for: backoff(made)) }
            try Task.checkCancellation()
            let (runID, attempt) = try await outbox.beginAttempt(deliveryID: delivery.id, startedAt: now())
            let payload = HookPayload(delivery: delivery, attempt: attempt, databasePath: databasePath)
            var (result, cut) = await runLettingFinish(hook, payload)
            metadata["hook.attempt"] = "\(attempt)"
            if cut {
                result.exitCode = nil  // whatever it exited with, the stop ended it
                result.stderr += Self.cutByStopNote
                try await recordEnd(runID: runID, result: result, cutByStop: true)
                logger.warning(
                    cutAtOnce()
                        ? "hook stopped: this daemon lost the leader lease; the delivery runs again on the next leader"
                        : "hook stopped by the daemon's shutdown: the delivery runs again after the next start",
                    metadata: metadata)
                throw CancellationError()
            }
            try await recordEnd(runID: runID, result: result, cutByStop: false)
            // Only here: an attempt the stop cut short above did not end on its own.
            metrics.ran(hook: hook.name, outcome: result.outcome)
            made += 1
            metadata["hook.exit_code"] = "\(result.exitCode.map(String.init) ?? "none")"
            if result.outcome == .succeeded {
                // finishAttempt marked the delivery succeeded in the same transaction.
                logger.info("hook succeeded", metadata: metadata)
                return
            }
            let lastLine = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            logger.warning(
                "hook \(result.outcome == .timedOut ? "timed out" : "failed") (\(made) of \(maxAttempts) attempts used) \(lastLine)",
                metadata: metadata)
        }
        logger.error("hook failed after \(made) attempts: giving up on this delivery", metadata: metadata)
        try await outbox.completeDelivery(id: delivery.id, succeeded: false, at: now(), note: nil)
    }

    /// Records how an attempt ended, even when a graceful stop cancelled this task while
    /// the hook was let finish: in a task of its own, which the stop does not cancel
    /// (PostgreSQL's connection pool refuses a cancelled task's request, and the attempt
    /// would be taken for one ftd died under, and run again).
    func recordEnd(runID: Int64, result: HookRunResult, cutByStop: Bool) async throws {
        let outbox = self.outbox
        try await Task { try await outbox.finishAttempt(runID: runID, result: result, cutByStop: cutByStop) }
            .value
    }

    /// What a cut-short attempt's stderr ends with.
    static let cutByStopNote =
        "\nftd: stopped by the daemon's shutdown while the hook ran; it runs again after the next start\n"

    /// What the last attempt of a delivery given up for its interruptions ends with: the
    /// line `ftd hooks runs` shows.
    static func interruptedTooOftenNote(_ delivery: HookDelivery) -> String {
        let transition = delivery.transition
        return
            "\nftd: gave up after \(maxInterruptedAttempts) attempts cut short by ftd dying while the hook ran"
            + " (see ftd's log); to run it by hand: ftd hooks test \(delivery.hook) --job \(transition.jobID)"
            + " --status \(transition.to)\n"
    }

    /// Runs one attempt in its own task, so cancelling the drain (graceful stop) does not
    /// kill the hook at once: it gets `stopGrace` to finish, then is cancelled (its
    /// process group gets SIGTERM, then SIGKILL). Returns whether it was cut short.
    func runLettingFinish(_ hook: HookSettings, _ payload: HookPayload) async -> (HookRunResult, cut: Bool) {
        let runner = runner
        let attempt = Task { await runner.run(hook, environment: payload.environment, stdin: payload.stdin) }
        let grace = stopGrace
        let cutAtOnce = self.cutAtOnce
        let stopping = Locked(false)
        return await withTaskCancellationHandler {
            let result = await attempt.value
            // Once the stop began, a failure may be the stop's doing (systemctl kill, a
            // SIGTERM to the whole cgroup): the delivery runs again. A hook that finished
            // well is believed.
            return (result, stopping.withLock { $0 } && result.outcome != .succeeded)
        } onCancel: {
            stopping.withLock { $0 = true }
            if cutAtOnce() {
                attempt.cancel()
                return
            }
            Task {
                // The grace ends early if the lease is lost meanwhile.
                let end = ContinuousClock.now + grace
                while ContinuousClock.now < end, !cutAtOnce() {
                    try? await Task.sleep(for: min(.milliseconds(100), ContinuousClock.now.duration(to: end)))
                }
                attempt.cancel()
            }
        }
    }
}
