import FTDConfig

/// How the daemons sharing a store time the leader lease (SPEC section 11).
///
/// The lease expires `ttl` after its last renewal, by the store's clock. The leader renews
/// it at the start of every cycle and every `renewEvery` besides (a first sync may take
/// longer than a lease). It keeps a deadline of its own on its monotonic clock: the
/// instant it sent its last successful renewal, plus `ttl`, minus `margin`. The store
/// received that renewal later than it was sent, so the deadline always falls at least
/// `margin` before the store's expiry: a leader that passes it without a renewal stops
/// polling and stops its hooks while the lease is still its own.
public struct LeaseTiming: Sendable, Equatable {
    public var ttl: Duration
    /// Between renewals on the leader's own timer; also the daemons' heartbeat period, and
    /// the longest a renewal is waited for.
    public var renewEvery: Duration
    /// How long before the store's expiry the leader gives up a lease it could not renew:
    /// long enough for its hooks' SIGTERM (and the SIGKILL 5 s later, at the configured
    /// TTL) and for the cut attempts to be recorded.
    public var margin: Duration
    /// The longest a standby sleeps between looks at the lease, so that a released lease
    /// (a graceful stop) is taken over within that much.
    public var standbyRecheck: Duration

    /// A lease of `ttl`: renewed every third of it, given up a quarter of it early, looked
    /// at by standbys every 2 s at most (more often for a short test TTL).
    public init(ttl: Duration) {
        self.ttl = ttl
        self.renewEvery = ttl / 3
        self.margin = ttl / 4
        self.standbyRecheck = min(.seconds(2), ttl / 3)
    }

    /// The configured lease: `3 × poll.interval`, at least 30 s (SPEC section 11).
    public static func configured(_ poll: PollSettings) -> LeaseTiming {
        LeaseTiming(ttl: .seconds(max(30, 3 * poll.interval)))
    }
}
