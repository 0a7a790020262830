import Crypto

/// The `webhook-id`s of accepted webhooks, each kept for `window` seconds after it was first
/// seen, so that a repeated delivery is answered 200 and ignored (SPEC section 9).
///
/// The window is twice the verifier's tolerance: a webhook accepted at `t` was sent no later
/// than `t + 300`, so a replay of it verifies until `t + 600` at most, and none after. A
/// sender's retry hours later (a lost 200) is let through again: it costs one extra sync of
/// the job, whose data comes from the API anyway.
///
/// Memory is bounded: at most `capacity` ids, each kept as its SHA-256 (32 bytes whatever
/// the header's length); when full the oldest is forgotten first. Record only webhooks that
/// verified, so that no one without the secret can fill it.
public struct WebhookReplayGuard: Sendable {
    public let window: Int64
    public let capacity: Int

    private var seen: [SHA256Digest: Int64] = [:]
    /// The ids in the order first seen; `order[head...]` are those still in `seen`.
    private var order: [SHA256Digest] = []
    private var head = 0

    public init(window: Int64 = 2 * WebhookVerifier.defaultTolerance, capacity: Int = 10_000) {
        precondition(capacity > 0, "a replay guard must hold at least one id")
        self.window = window
        self.capacity = capacity
    }

    /// How many ids are remembered now.
    public var count: Int { seen.count }

    /// Records `id` as seen at `now` (Unix seconds). True when it is new: not seen within
    /// the window before. A repeat does not extend the time it is kept.
    public mutating func firstSighting(of id: String, now: Int64) -> Bool {
        forgetExpired(now: now)
        let key = SHA256.hash(data: Array(id.utf8))
        if seen[key] != nil { return false }
        if seen.count >= capacity { forgetOldest() }
        seen[key] = now
        order.append(key)
        return true
    }

    /// Drops the ids whose window has passed, oldest first. Seen times only grow along
    /// `order` unless the clock went back; then an id stays until those before it have gone,
    /// or until the capacity pushes it out: kept too long, never forgotten too soon.
    private mutating func forgetExpired(now: Int64) {
        while head < order.count, let first = seen[order[head]] {
            let (expiry, overflow) = first.addingReportingOverflow(window)
            guard !overflow, expiry <= now else { break }
            forgetOldest()
        }
    }

    private mutating func forgetOldest() {
        guard head < order.count else { return }
        seen[order[head]] = nil
        head += 1
        // Reclaim the forgotten front once it is most of the array.
        if head > 64, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
