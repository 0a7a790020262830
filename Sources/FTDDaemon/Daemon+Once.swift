import AsyncHTTPClient
import CoreMetrics
import FTDAPI
import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
import FTDWeb
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

extension Daemon {
    /// `ftd run --once` with one account's key: that account's report (the first
    /// account's, when several are configured).
    public func runOnce(configuration: Configuration, apiKey: String) async throws -> CycleReport {
        try await runOnce(configuration: configuration, apiKeys: Self.keys(configuration, apiKey))[0].report
    }

    /// One account's part of `ftd run --once`.
    public struct AccountCycle: Sendable {
        public var account: String
        public var report: CycleReport
    }

    /// `ftd run --once`: the deliveries an earlier run left, one cycle of every account at
    /// once (each recording its outcome as the daemon records it), then those cycles'
    /// deliveries. A failed hook is recorded, not thrown; a cycle that threw is recorded as
    /// failed and rethrown once every account's cycle ended, unless the database itself
    /// refused it (`CycleNotRecorded`). Reports come in the configuration's order.
    ///
    /// On a shared store (`lease`) it takes the leader lease first, waiting at most one lease
    /// period for another daemon's to end (else `LeaderElsewhere`), marks the attempts a
    /// dead leader left running, runs as above while renewing the lease, and releases it.
    public func runOnce(configuration: Configuration, apiKeys: [String: String]) async throws
        -> [AccountCycle]
    {
        guard let lease else { return try await onceRound(configuration: configuration, apiKeys: apiKeys) }
        let timing = leaseTiming ?? .configured(configuration.poll)
        let (grant, sentAt) = try await takeLease(
            lease, timing: timing, storeName: configuration.storage.displayName)
        logger.notice("became leader (term \(grant.term))")
        leaseLost.withLock { $0 = false }
        let leaseLost = self.leaseLost
        let keeper = LeaseKeeper(
            lease: lease, timing: timing, term: grant.term, sentAt: sentAt, logger: logger,
            onLost: { leaseLost.withLock { $0 = true } })
        let result: Result<[AccountCycle], any Error>
        do {
            result = .success(
                try await keeper.whileHeld {
                    let interrupted = try await self.store.markInterruptedAttempts()
                    if interrupted > 0 {
                        self.logger.warning(
                            "\(interrupted) hook attempt(s) were cut short by the last leader's end: their deliveries run again"
                        )
                    }
                    return try await self.onceRound(configuration: configuration, apiKeys: apiKeys)
                })
        } catch {
            result = .failure(error)
        }
        do {
            _ = try await LeaseKeeper.within(timing.renewEvery) { try await lease.releaseLease() }
        } catch {
            logger.warning("cannot release the leader lease: \(error); it expires by itself")
        }
        return try result.get()
    }

    /// What `ftd run --once` throws when another daemon kept the shared store's lease for a
    /// whole lease period.
    public struct LeaderElsewhere: Error, CustomStringConvertible {
        /// Nil when the lease changed hands at the last look.
        public var holder: LeaseHolder?
        public var store: String

        public var description: String {
            let who = holder.map { "another ftd (\($0.host), pid \($0.pid))" } ?? "another ftd"
            return
                "\(who) leads \(store) and kept the leader lease: it polls and runs the hooks itself (ftd status shows it); to run one cycle by hand, stop it first"
        }
    }

    /// The lease for `--once`: taken at once, or when the holder's ends, within one lease
    /// period. Returns the grant and when its request was sent.
    func takeLease(_ lease: any LeaderLease, timing: LeaseTiming, storeName: String) async throws -> (
        LeaseGrant, ContinuousClock.Instant
    ) {
        let giveUp = ContinuousClock.now + timing.ttl + timing.standbyRecheck
        var holder: LeaseHolder?
        while true {
            let sent = ContinuousClock.now
            let attempt = try await LeaseKeeper.within(timing.renewEvery) {
                try await lease.acquireLease(ttl: timing.ttl)
            }
            var wait = timing.standbyRecheck
            switch attempt {
            case .granted(let grant):
                return (grant, sent)
            case .held(let current?):
                if holder?.instance != current.instance {
                    logger.notice("waiting for the leader lease: \(current.name) leads")
                }
                holder = current
                wait = min(wait, .milliseconds(Int64(max(0, current.expiresIn) * 1000) + 50))
            case .held(nil):
                wait = .milliseconds(100)
            case nil:
                break
            }
            let left = ContinuousClock.now.duration(to: giveUp)
            guard left > .zero else {
                throw LeaderElsewhere(holder: holder, store: storeName)
            }
            try await Task.sleep(for: min(wait, left))
        }
    }

    /// `--once`'s round: the pending deliveries, every account's cycle, their deliveries.
    func onceRound(configuration: Configuration, apiKeys: [String: String]) async throws -> [AccountCycle] {
        hooks.withLock { $0 = configuration.hooks }
        keyVariables.withLock { $0 = Self.secretVariables(configuration) }
        let parts = snapshot(configuration, apiKeys: apiKeys, health: nil)
        try await parts.dispatcher.drain()
        let results = await withTaskGroup(of: (Int, Result<CycleReport, any Error>).self) { group in
            for (index, cycle) in parts.cycles.enumerated() {
                group.addTask { (index, await self.once(cycle)) }
            }
            var results: [Int: Result<CycleReport, any Error>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
        var reports: [AccountCycle] = []
        for (index, cycle) in parts.cycles.enumerated() {
            reports.append(AccountCycle(account: cycle.account, report: try results[index]!.get()))
        }
        try await parts.dispatcher.drain()
        return reports
    }

    /// One account's cycle of `--once`, its outcome recorded and counted.
    func once(_ cycle: PollCycle) async -> Result<CycleReport, any Error> {
        let counter = cycle.metrics
        do {
            let report = try await cycle.run()
            let outcome = CycleOutcome(report: report, finishedAt: PollCycle.unixNow(), nextCycleAt: nil)
            counter.cycleEnded(outcome)
            try await store.recordCycleOutcome(outcome, account: cycle.account)
            return .success(report)
        } catch let fault as StoreError where fault.isStorageFault {
            counter.cycleEnded(CycleOutcome(thrown: fault, finishedAt: PollCycle.unixNow(), nextCycleAt: nil))
            // Writing the outcome would fail too (or wait out another busy timeout).
            return .failure(CycleNotRecorded(fault: fault))
        } catch {
            let outcome = CycleOutcome(thrown: error, finishedAt: PollCycle.unixNow(), nextCycleAt: nil)
            counter.cycleEnded(outcome)
            try? await store.recordCycleOutcome(outcome, account: cycle.account)
            return .failure(error)
        }
    }
}
