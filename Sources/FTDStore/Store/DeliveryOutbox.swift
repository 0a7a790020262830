import Foundation

/// The durable side of hook deliveries, as the dispatcher sees it. `SQLiteStore` is the
/// real one: every method is one transaction, and none blocks its caller's thread.
public protocol DeliveryOutbox: Sendable {
    /// Undone deliveries, in the order of their transitions.
    func pendingDeliveries() async throws -> [HookDelivery]
    /// Records an attempt as started, before the hook runs, so that an attempt cut short
    /// by a crash is still numbered and recorded. Returns the attempt's row and its number
    /// (1, 2, …).
    func beginAttempt(deliveryID: String, startedAt: Int64) async throws -> (runID: Int64, attempt: Int)
    /// Records how an attempt ended. A successful one also completes its delivery, in the
    /// same transaction, so a crash cannot leave a succeeded hook's delivery pending. One
    /// `cutByStop` (the daemon's graceful stop ended it) is kept in the history but not
    /// counted against the hook's retries.
    func finishAttempt(runID: Int64, result: HookRunResult, cutByStop: Bool) async throws
    /// Marks the delivery done (failed after its attempts, or its hook gone): it never
    /// runs again. `note`, when given, says why in its last attempt's stderr.
    func completeDelivery(id: String, succeeded: Bool, at: Int64, note: String?) async throws
}
