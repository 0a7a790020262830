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
    public func runOnce(configuration: Configuration, apiKeys: [String: String]) async throws
        -> [AccountCycle]
    {
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
