import Foundation
import Logging

/// Runs pending deliveries (SPEC section 5): one job's in the order of its transitions,
/// different jobs' side by side (bounded), each retried with backoff (1 s, 2 s, 4 s, …)
/// until it exits 0 or has used `1 + retries` attempts, counted across restarts.
public struct HookDispatcher: Sendable {
    let outbox: any DeliveryOutbox
    let runner: any HookRunning
    let hooks: [HookSettings]
    let databasePath: String
    let logger: Logger
    /// Jobs whose deliveries run at the same time.
    public var maxConcurrentJobs = 4
    /// The wait before attempt `n + 1`, given `n` attempts made.
    public var backoff: @Sendable (Int) -> Duration = { made in .seconds(1 << min(max(made - 1, 0), 10)) }
    let now: @Sendable () -> Int64

    public init(
        outbox: any DeliveryOutbox, runner: any HookRunning, hooks: [HookSettings], databasePath: String,
        logger: Logger, now: @escaping @Sendable () -> Int64 = PollCycle.unixNow
    ) {
        self.outbox = outbox
        self.runner = runner
        self.hooks = hooks
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
                let queues = Self.queuesByJob(try outbox.pendingDeliveries())
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
        guard let hook = hooks.first(where: { $0.name == delivery.hook }) else {
            logger.error("hook is no longer configured: delivery dropped", metadata: metadata)
            try outbox.completeDelivery(id: delivery.id, succeeded: false, at: now())
            return
        }
        let maxAttempts = 1 + hook.retries
        var made = delivery.attemptsMade
        while made < maxAttempts {
            if made > 0 { try await Task.sleep(for: backoff(made)) }
            let (runID, attempt) = try outbox.beginAttempt(deliveryID: delivery.id, startedAt: now())
            let payload = HookPayload(delivery: delivery, attempt: attempt, databasePath: databasePath)
            let result = await runner.run(hook, environment: payload.environment, stdin: payload.stdin)
            try outbox.finishAttempt(runID: runID, result: result)
            made = attempt
            metadata["hook.attempt"] = "\(attempt)"
            metadata["hook.exit_code"] = "\(result.exitCode.map(String.init) ?? "none")"
            if result.outcome == .succeeded {
                logger.info("hook succeeded", metadata: metadata)
                try outbox.completeDelivery(id: delivery.id, succeeded: true, at: now())
                return
            }
            let lastLine = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            logger.warning(
                "hook \(result.outcome == .timedOut ? "timed out" : "failed") (attempt \(attempt) of \(maxAttempts)) \(lastLine)",
                metadata: metadata)
        }
        logger.error("hook failed after \(made) attempts: giving up on this delivery", metadata: metadata)
        try outbox.completeDelivery(id: delivery.id, succeeded: false, at: now())
    }
}
