import FTDStore
import Foundation
import PostgresNIO

/// The leader lease and the daemons' heartbeats (SPEC section 11), on the server's clock
/// only (`clock_timestamp()`): a machine whose clock is wrong can neither keep a lease past
/// its end nor take one early. What comes back is durations measured by that clock
/// (seconds from now, or ago), never instants to compare with a local clock.
extension PostgresStore: LeaderLease {
    /// This daemon; the lease is a daemon's (a command's store has no instance).
    private var me: DaemonInstance {
        guard let instance else {
            preconditionFailure("the leader lease is a daemon's: open the store with its instance")
        }
        return instance
    }

    /// Takes the lease, or renews it, in one statement: the row is written when this
    /// daemon holds it or it has expired, and then this daemon's for `ttl` from the
    /// server's now. Writers that race wait on the row's lock and each sees the winner's
    /// row: one wins. The term grows by one when the lease passes to a daemon that did not
    /// hold it unexpired (a takeover, the first grant, or this daemon's lapsed lease); a
    /// takeover waits for the fenced transactions (`fencedTransaction`, which share-lock the
    /// row) of the daemon it replaces to end.
    public func acquireLease(ttl: Duration) async throws -> LeaseAttempt {
        let me = self.me
        let seconds = Self.seconds(ttl)
        let pid = Int64(me.pid)
        // `clock` is read once, so a takeover's `acquired_at` equals its `renewed_at`
        // (`new_term`), and a renewal's does not.
        let rows = try await query(
            """
            WITH clock AS (SELECT clock_timestamp() AS now),
            granted AS (
                INSERT INTO leader_lease AS lease
                    (singleton, holder, host, pid, term, acquired_at, renewed_at, expires_at)
                SELECT TRUE, \(me.id), \(me.host), \(pid), 1, clock.now, clock.now,
                    clock.now + make_interval(secs => \(seconds))
                FROM clock
                ON CONFLICT (singleton) DO UPDATE SET
                    term = CASE WHEN lease.holder = excluded.holder AND lease.expires_at > excluded.renewed_at
                        THEN lease.term ELSE lease.term + 1 END,
                    acquired_at = CASE WHEN lease.holder = excluded.holder AND lease.expires_at > excluded.renewed_at
                        THEN lease.acquired_at ELSE excluded.acquired_at END,
                    holder = excluded.holder, host = excluded.host, pid = excluded.pid,
                    renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
                WHERE lease.holder = excluded.holder OR lease.expires_at <= excluded.renewed_at
                RETURNING term, acquired_at = renewed_at AS new_term, holder, host, pid, renewed_at, expires_at
            )
            SELECT TRUE, term, new_term, holder, host, pid,
                EXTRACT(EPOCH FROM clock_timestamp() - renewed_at)::float8,
                EXTRACT(EPOCH FROM expires_at - clock_timestamp())::float8
            FROM granted
            UNION ALL
            SELECT FALSE, term, FALSE, holder, host, pid,
                EXTRACT(EPOCH FROM clock_timestamp() - renewed_at)::float8,
                EXTRACT(EPOCH FROM expires_at - clock_timestamp())::float8
            FROM leader_lease WHERE NOT EXISTS (SELECT 1 FROM granted)
            """)
        var attempt = LeaseAttempt.held(by: nil)
        try await mappingErrors {
            for try await (granted, term, newTerm, holder, host, pid, renewedAgo, expiresIn) in rows.decode(
                (Bool, Int64, Bool, String, String, Int64, Double, Double).self)
            {
                attempt =
                    granted
                    ? .granted(LeaseGrant(term: term, tookOver: newTerm))
                    : .held(
                        by: LeaseHolder(
                            instance: holder, host: host, pid: Int(pid), term: term, renewedAgo: renewedAgo,
                            expiresIn: expiresIn))
            }
        }
        // No row at all: another daemon's first grant committed while this statement ran
        // (its snapshot predates the row): `.held(by: nil)`, try again.
        return attempt
    }

    /// Expires this daemon's lease now. It waits for this daemon's fenced transactions
    /// still running (they share-lock the row), so none commits after a standby took over.
    public func releaseLease() async throws {
        try await query(
            """
            UPDATE leader_lease SET expires_at = clock_timestamp()
            WHERE holder = \(me.id) AND expires_at > clock_timestamp()
            """)
    }

    /// Writes this daemon's row in `daemons` (its start the first time), live for `ttl`,
    /// and drops the rows of daemons that died without a graceful stop an hour ago.
    public func heartbeat(ttl: Duration) async throws {
        let me = self.me
        let pid = Int64(me.pid)
        try await query(
            """
            WITH gone AS (DELETE FROM daemons WHERE expires_at < clock_timestamp() - interval '1 hour'),
            clock AS (SELECT clock_timestamp() AS now)
            INSERT INTO daemons (instance, host, pid, started_at, seen_at, expires_at)
            SELECT \(me.id), \(me.host), \(pid), clock.now, clock.now, clock.now + make_interval(secs => \(Self.seconds(ttl)))
            FROM clock
            ON CONFLICT (instance) DO UPDATE SET
                host = excluded.host, pid = excluded.pid, seen_at = excluded.seen_at, expires_at = excluded.expires_at
            """)
    }

    public func removeHeartbeat() async throws {
        try await query("DELETE FROM daemons WHERE instance = \(me.id)")
    }

    /// The lease (even expired: `ftd status` says whose it was) and the live daemons, read
    /// at one instant of the server's clock. Works for any store, a daemon's or not.
    public func members() async throws -> StoreMembers {
        try await transaction { connection in
            var lease: LeaseHolder?
            let leaseRows = try await connection.query(
                """
                SELECT holder, host, pid, term,
                    EXTRACT(EPOCH FROM clock_timestamp() - renewed_at)::float8,
                    EXTRACT(EPOCH FROM expires_at - clock_timestamp())::float8
                FROM leader_lease
                """, logger: logger)
            for try await (holder, host, pid, term, renewedAgo, expiresIn) in leaseRows.decode(
                (String, String, Int64, Int64, Double, Double).self)
            {
                lease = LeaseHolder(
                    instance: holder, host: host, pid: Int(pid), term: term, renewedAgo: renewedAgo,
                    expiresIn: expiresIn)
            }
            var daemons: [StoreMember] = []
            let daemonRows = try await connection.query(
                """
                SELECT instance, host, pid,
                    EXTRACT(EPOCH FROM clock_timestamp() - started_at)::float8,
                    EXTRACT(EPOCH FROM clock_timestamp() - seen_at)::float8
                FROM daemons WHERE expires_at > clock_timestamp()
                ORDER BY host, pid, instance
                """, logger: logger)
            for try await (instance, host, pid, startedAgo, seenAgo) in daemonRows.decode(
                (String, String, Int64, Double, Double).self)
            {
                daemons.append(
                    StoreMember(
                        instance: instance, host: host, pid: Int(pid), startedAgo: startedAgo,
                        seenAgo: seenAgo))
            }
            return StoreMembers(lease: lease, daemons: daemons)
        }
    }

    /// A duration in (fractional) seconds, as `make_interval(secs =>)` takes it.
    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
