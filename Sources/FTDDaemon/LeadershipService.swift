import FTDStore
import Logging
import ServiceLifecycle

/// A daemon on a shared store (SPEC section 11): a standby until it takes the leader lease,
/// then the leader, whose work (`lead`: the pollers and the hook deliveries) runs while the
/// lease holds; back to a standby when it is lost, until a graceful stop.
///
/// - **Standby.** Looks at the lease when the current one is due to expire, and at least
///   every `standbyRecheck` (a graceful stop releases it early), and tries to take it. It
///   polls nothing and runs no hook.
/// - **Leader.** From the grant on, a `LeaseKeeper` renews the lease on its timer and
///   watches its deadline; the pollers renew it at each cycle's start as well. Losing it
///   cancels `lead`, with the hooks cut at once (`onLost`), before the lease can expire.
/// - **Everyone** writes a heartbeat (its row in the store's `daemons`) every
///   `renewEvery`, for `ftd status`.
/// - **Graceful stop.** The leader's work ends as it ends without a lease (its hooks get
///   `daemon.stop_timeout`), still renewing meanwhile; then the lease is released, so that a
///   standby takes over at once, and the heartbeat row removed.
struct LeadershipService: Service {
    let lease: any LeaderLease
    let timing: LeaseTiming
    let logger: Logger
    /// One term's work, run while the lease holds: returns once a graceful stop ended it.
    let lead: @Sendable (LeaseKeeper) async throws -> Void
    /// The moment the lease is lost, before the work is cancelled.
    let onLost: @Sendable () -> Void
    /// Each time another daemon is found leading (the first time, and after each change of
    /// leader or of this daemon's role).
    let onStandby: @Sendable (LeaseHolder) -> Void

    func run() async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await self.heartbeats() }
                try await standAndLead()
                group.cancelAll()
            }
        } catch {
            await leave()
            throw error
        }
        await leave()
    }

    /// Standby and leader in turn, until a graceful stop.
    private func standAndLead() async throws {
        var shownLeader: String?
        var unreachable = false
        while !Task.isShuttingDownGracefully {
            let sent = ContinuousClock.now
            let attempt: LeaseAttempt?
            do {
                attempt = try await LeaseKeeper.within(timing.renewEvery) { [lease, timing] in
                    try await lease.acquireLease(ttl: timing.ttl)
                }
                if unreachable, attempt != nil {
                    unreachable = false
                    logger.notice("the store answers again: trying for the leader lease")
                }
            } catch is CancellationError {
                return
            } catch {
                if !unreachable {
                    unreachable = true
                    logger.warning("cannot reach the store to take the leader lease: \(error); trying again")
                }
                attempt = nil
            }
            switch attempt {
            case .granted(let grant):
                shownLeader = nil
                guard try await term(grant, sentAt: sent) else { return }
            case .held(let holder?):
                if holder.instance != shownLeader {
                    shownLeader = holder.instance
                    logger.notice(
                        "standing by: \(holder.name) leads",
                        metadata: [
                            "lease.term": "\(holder.term)", "lease.expires_in": "\(Int(holder.expiresIn))",
                        ])
                    onStandby(holder)
                }
                // Until the lease is due to expire (a little after, the store's `<=`), but
                // no longer than the recheck: a release is seen within it.
                let untilExpiry = Duration.milliseconds(Int64(max(0, holder.expiresIn) * 1000) + 50)
                guard await pause(min(untilExpiry, timing.standbyRecheck)) else { return }
            case .held(nil):
                // The lease changed hands while this daemon asked: ask again.
                guard await pause(.milliseconds(100)) else { return }
            case nil:
                guard await pause(timing.standbyRecheck) else { return }
            }
        }
    }

    /// One term, from the grant to its loss (true: stand by again) or to a graceful stop
    /// (false).
    private func term(_ grant: LeaseGrant, sentAt: ContinuousClock.Instant) async throws -> Bool {
        logger.notice("became leader (term \(grant.term))")
        let keeper = LeaseKeeper(
            lease: lease, timing: timing, term: grant.term, sentAt: sentAt, logger: logger, onLost: onLost)
        do {
            try await keeper.whileHeld { [lead] in try await lead(keeper) }
            return false
        } catch is LeaseKeeper.Lost {
            return !Task.isShuttingDownGracefully
        }
    }

    /// Sleeps `duration`; false when a graceful stop came first.
    private func pause(_ duration: Duration) async -> Bool {
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
            return !Task.isShuttingDownGracefully
        } catch {
            return false
        }
    }

    /// This daemon's row in the store's list, every `renewEvery`, until cancelled. A failure
    /// is logged once until a heartbeat succeeds again.
    private func heartbeats() async {
        var failing = false
        while !Task.isCancelled {
            do {
                _ = try await LeaseKeeper.within(timing.renewEvery) { [lease, timing] in
                    try await lease.heartbeat(ttl: timing.ttl)
                }
                failing = false
            } catch is CancellationError {
                return
            } catch {
                if !failing { logger.warning("cannot write this daemon's heartbeat to the store: \(error)") }
                failing = true
            }
            guard (try? await Task.sleep(for: timing.renewEvery)) != nil else { return }
        }
    }

    /// A graceful stop's last words: the lease released (a standby takes over at once) and
    /// this daemon's row removed. Bounded: a store that does not answer lets the lease
    /// expire instead.
    private func leave() async {
        // In a task of its own: a service group that was cancelled (another service failed)
        // still releases the lease rather than leave it to expire.
        await Task { await release() }.value
    }

    private func release() async {
        do {
            _ = try await LeaseKeeper.within(timing.renewEvery) { [lease] in
                try await lease.releaseLease()
                try await lease.removeHeartbeat()
            }
        } catch {
            logger.warning("cannot release the leader lease: \(error); it expires by itself")
        }
    }
}
