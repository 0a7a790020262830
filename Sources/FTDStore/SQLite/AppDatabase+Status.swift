import FTDModel
import Foundation
import GRDB

/// Each account's own state in the `accounts` table: how its last cycle went, and the
/// last one that went wrong. Written after every cycle, so `ftd status` can answer from
/// another process, and kept apart from the cycle's facts: a cycle that recorded nothing
/// still leaves its outcome.
extension AppDatabase {
    public func recordCycleOutcome(_ outcome: CycleOutcome, account: String) throws {
        let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO accounts (name, last_cycle, last_error, last_complete_cycle_at)
                    VALUES (?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET
                        last_cycle = excluded.last_cycle,
                        last_error = COALESCE(excluded.last_error, last_error),
                        last_complete_cycle_at = COALESCE(excluded.last_complete_cycle_at, last_complete_cycle_at)
                    """,
                arguments: [
                    account, json, outcome.result == .complete ? nil : json,
                    outcome.result == .complete ? outcome.finishedAt : nil,
                ])
        }
    }

    /// Deliveries not yet done, for `STATUS=` and `ftd status`.
    public func pendingDeliveryCount() throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'") ?? 0
        }
    }

    static func decodedOutcome(_ text: String?) -> CycleOutcome? {
        text.flatMap { try? JSONDecoder().decode(CycleOutcome.self, from: Data($0.utf8)) }
    }

    public func daemonStatus() throws -> StoredDaemonStatus {
        try read { db in
            let terminal = JobStatus.terminal.sorted()
            var counts: [String: (jobs: Int, active: Int)] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT account, COUNT(*),
                        SUM(status NOT IN (\(databaseQuestionMarks(count: terminal.count))))
                    FROM jobs GROUP BY account
                    """, arguments: StatementArguments(terminal))
            while let row = try rows.next() { counts[row[0]] = (row[1], row[2] ?? 0) }
            var accounts: [AccountStatus] = []
            let stored = try Row.fetchCursor(
                db,
                sql:
                    "SELECT name, last_cycle, last_error, last_complete_cycle_at, baseline_completed_at FROM accounts"
            )
            var named: Set<String> = []
            while let row = try stored.next() {
                let name: String = row[0]
                named.insert(name)
                accounts.append(
                    AccountStatus(
                        name: name, lastCycle: Self.decodedOutcome(row[1]),
                        lastError: Self.decodedOutcome(row[2]),
                        lastCompleteCycleAt: row[3], baselineCompletedAt: row[4],
                        jobs: counts[name]?.jobs ?? 0,
                        activeJobs: counts[name]?.active ?? 0))
            }
            for (name, count) in counts where !named.contains(name) {
                accounts.append(
                    AccountStatus(
                        name: name, lastCycle: nil, lastError: nil, lastCompleteCycleAt: nil,
                        baselineCompletedAt: nil, jobs: count.jobs, activeJobs: count.active))
            }
            accounts.sort { $0.name < $1.name }
            let pending =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'") ?? 0
            return StoredDaemonStatus(accounts: accounts, pendingDeliveries: pending)
        }
    }
}
