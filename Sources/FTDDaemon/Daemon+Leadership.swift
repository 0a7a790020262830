import FTDEngine
import FTDModel
import FTDStore
import ServiceLifecycle

/// The shared store's daemon (SPEC section 11): standing by, taking the lease, and leading
/// one term, apart from the wiring in `Daemon.swift`.
extension Daemon {
    /// The shared store's daemon: a standby until it takes the lease; while it leads, a
    /// crew of its own (`current`) polls and runs the hooks.
    func leadership(
        _ lease: any LeaderLease, timing: LeaseTiming, crewing: Crewing, current: Locked<[PollerService]>
    ) -> LeadershipService {
        let leaseLost = self.leaseLost
        let health = crewing.health
        return LeadershipService(
            lease: lease, timing: timing, logger: logger,
            lead: { keeper in
                try await self.leadTerm(keeper, crewing: crewing, current: current)
            },
            onLost: { leaseLost.withLock { $0 = true } },
            onStandby: { holder in
                // A standby is ready as a leader is: systemd hears READY=1 once.
                let text = "standing by: \(holder.name) leads"
                self.statusText.withLock { $0 = text }
                health.pollersStopped()
                guard let notifier = self.notifier else {
                    health.becameReady()
                    return
                }
                if health.isReady {
                    notifier.send([NotifyMessage.status(text)])
                    return
                }
                var lines = [NotifyMessage.ready, NotifyMessage.status(text)]
                if notifier.watchdogInterval != nil { lines.append(NotifyMessage.watchdog) }
                notifier.send(lines)
                health.becameReady()
            })
    }

    /// One term of the leader: the attempts a dead leader left running marked interrupted
    /// (only now: a standby must never mark the live leader's), then the deliveries left
    /// pending and the pollers, as a starting daemon runs them, until a graceful stop
    /// (returns) or the lease's loss (cancelled).
    func leadTerm(_ keeper: LeaseKeeper, crewing: Crewing, current: Locked<[PollerService]>) async throws {
        leaseLost.withLock { $0 = false }
        defer {
            current.withLock { $0 = [] }
            crewing.health.pollersStopped()
        }
        do {
            let interrupted = try await store.markInterruptedAttempts()
            if interrupted > 0 {
                logger.warning(
                    "\(interrupted) hook attempt(s) were cut short by the last leader's end: their deliveries run again"
                )
            }
        } catch is CancellationError {
            return
        } catch {
            keeper.check(error)
            keeper.lose("cannot mark the hook attempts the last leader left running: \(error)")
            return
        }
        let crew = self.crew(crewing, keeper: keeper)
        current.withLock { $0 = crew.pollers }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await crew.deliveries.run() }
            for poller in crew.pollers {
                group.addTask { try await poller.run() }
            }
            try await group.waitForAll()
        }
    }

    /// What `runOnce` throws when the database refused the cycle's own write: nothing of
    /// the cycle was recorded. A storage fault before the cycle (the earlier deliveries) or
    /// after it (its outcome, its deliveries) is thrown as it is: the cycle was recorded.
    public struct CycleNotRecorded: Error, CustomStringConvertible {
        public var fault: StoreError
        public var description: String { "\(fault); nothing of this cycle was recorded" }
    }
}
