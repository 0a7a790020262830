/// One leader among the daemons that share a store (SPEC section 11): a lease in the store,
/// timed by the store's own clock, so that no machine's clock decides who leads. The
/// PostgreSQL store implements it; the SQLite file needs none (its daemon holds the file's
/// lock).
///
/// Every time here is a duration measured by the store's clock (seconds from now, or ago),
/// never an instant: two machines' clocks are never compared.
public protocol LeaderLease: Sendable {
    /// Takes the lease, or renews it when this daemon holds it, for `ttl` from now, in one
    /// statement. `.held` when another daemon holds an unexpired lease.
    func acquireLease(ttl: Duration) async throws -> LeaseAttempt
    /// Ends this daemon's lease now (a graceful stop), so that a standby takes over at
    /// once. Does nothing when it holds none.
    func releaseLease() async throws
    /// Says that this daemon is alive, for `ttl` from now (its row in the store's list of
    /// daemons, which `ftd status` shows).
    func heartbeat(ttl: Duration) async throws
    /// Removes this daemon's row from that list (a graceful stop).
    func removeHeartbeat() async throws
    /// The live daemons and the lease, for `ftd status`.
    func members() async throws -> StoreMembers
}

/// The lease as granted to this daemon.
public struct LeaseGrant: Sendable, Equatable {
    /// Grows by one each time the lease passes to a daemon that did not hold it unexpired.
    public var term: Int64
    /// A new term began with this grant (nobody, another daemon or this one's lapsed lease
    /// held it before); false for a renewal of an unexpired lease.
    public var tookOver: Bool

    public init(term: Int64, tookOver: Bool) {
        self.term = term
        self.tookOver = tookOver
    }
}

/// The lease's holder, as the store's clock sees it.
public struct LeaseHolder: Sendable, Equatable {
    public var instance: String
    public var host: String
    public var pid: Int
    public var term: Int64
    /// Seconds since its last renewal.
    public var renewedAgo: Double
    /// Seconds until it expires; negative once it has expired.
    public var expiresIn: Double

    public init(instance: String, host: String, pid: Int, term: Int64, renewedAgo: Double, expiresIn: Double)
    {
        self.instance = instance
        self.host = host
        self.pid = pid
        self.term = term
        self.renewedAgo = renewedAgo
        self.expiresIn = expiresIn
    }

    /// Whether the lease still holds.
    public var isLive: Bool { expiresIn > 0 }

    /// `HOST pid N`.
    public var name: String { "\(host) pid \(pid)" }
}

/// What one try for the lease got.
public enum LeaseAttempt: Sendable, Equatable {
    case granted(LeaseGrant)
    /// Another daemon holds it; nil when it changed hands during the try (try again).
    case held(by: LeaseHolder?)
}

/// A daemon alive in the store's list (its heartbeat has not expired).
public struct StoreMember: Sendable, Equatable {
    public var instance: String
    public var host: String
    public var pid: Int
    /// Seconds since it started.
    public var startedAgo: Double
    /// Seconds since its last heartbeat.
    public var seenAgo: Double

    public init(instance: String, host: String, pid: Int, startedAgo: Double, seenAgo: Double) {
        self.instance = instance
        self.host = host
        self.pid = pid
        self.startedAgo = startedAgo
        self.seenAgo = seenAgo
    }
}

/// Who shares a store: the lease (live or not) and the live daemons.
public struct StoreMembers: Sendable, Equatable {
    /// The lease's last holder; nil when no daemon ever led (or the lease is gone).
    public var lease: LeaseHolder?
    /// Every daemon whose heartbeat is live, by host and pid.
    public var daemons: [StoreMember]

    public init(lease: LeaseHolder?, daemons: [StoreMember]) {
        self.lease = lease
        self.daemons = daemons
    }

    /// The daemon that leads now: the holder of a live lease.
    public var leader: LeaseHolder? { lease.flatMap { $0.isLive ? $0 : nil } }

    /// The live daemons that do not lead.
    public var standbys: [StoreMember] {
        let leading = leader?.instance
        return daemons.filter { $0.instance != leading }
    }
}
