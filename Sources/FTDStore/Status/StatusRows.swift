import FTDModel
import Foundation

/// How the `accounts` table holds each account's cycles, for every backend: the SQLite
/// and the PostgreSQL store write and read the same columns, and must give `ftd status`
/// the same answer.
extension CycleOutcome {
    /// The columns an outcome sets: the last cycle always; the last error unless it
    /// completed, and the last complete cycle's end when it did (nil leaves the stored
    /// value as it is).
    package func storedColumns() throws -> (
        lastCycle: String, lastError: String?, lastCompleteCycleAt: Int64?
    ) {
        let json = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        return result == .complete ? (json, nil, finishedAt) : (json, json, nil)
    }

    /// A stored outcome; nil when none, or when it does not decode (an older or newer ftd's).
    package static func stored(_ text: String?) -> CycleOutcome? {
        text.flatMap { try? JSONDecoder().decode(CycleOutcome.self, from: Data($0.utf8)) }
    }
}

extension StoredDaemonStatus {
    /// One row of `accounts`, as stored.
    package struct AccountRow: Sendable {
        package var name: String
        package var lastCycle: String?
        package var lastError: String?
        package var lastCompleteCycleAt: Int64?
        package var baselineCompletedAt: Int64?

        package init(
            name: String, lastCycle: String?, lastError: String?, lastCompleteCycleAt: Int64?,
            baselineCompletedAt: Int64?
        ) {
            self.name = name
            self.lastCycle = lastCycle
            self.lastError = lastError
            self.lastCompleteCycleAt = lastCompleteCycleAt
            self.baselineCompletedAt = baselineCompletedAt
        }
    }

    /// Every account of `accounts` and every account holding jobs (an account's row comes
    /// with its first baseline or cycle outcome), by name.
    /// - Parameter jobCounts: each account's jobs and those not terminal.
    package init(
        accounts rows: [AccountRow], jobCounts: [String: (jobs: Int, active: Int)], pendingDeliveries: Int
    ) {
        var accounts: [AccountStatus] = []
        var named: Set<String> = []
        for row in rows {
            named.insert(row.name)
            accounts.append(
                AccountStatus(
                    name: row.name, lastCycle: CycleOutcome.stored(row.lastCycle),
                    lastError: CycleOutcome.stored(row.lastError),
                    lastCompleteCycleAt: row.lastCompleteCycleAt,
                    baselineCompletedAt: row.baselineCompletedAt, jobs: jobCounts[row.name]?.jobs ?? 0,
                    activeJobs: jobCounts[row.name]?.active ?? 0))
        }
        for (name, count) in jobCounts where !named.contains(name) {
            accounts.append(
                AccountStatus(
                    name: name, lastCycle: nil, lastError: nil, lastCompleteCycleAt: nil,
                    baselineCompletedAt: nil, jobs: count.jobs, activeJobs: count.active))
        }
        accounts.sort { $0.name < $1.name }
        self.init(accounts: accounts, pendingDeliveries: pendingDeliveries)
    }
}
