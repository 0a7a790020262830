import FTDModel
import Foundation
import GRDB

/// Each account's own state in the `accounts` table: how its last cycle went, and the
/// last one that went wrong. Written after every cycle, so `ftd status` can answer from
/// another process, and kept apart from the cycle's facts: a cycle that recorded nothing
/// still leaves its outcome.
extension AppDatabase {
    public func recordCycleOutcome(_ outcome: CycleOutcome, account: String) throws {
        let columns = try outcome.storedColumns()
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
                arguments: [account, columns.lastCycle, columns.lastError, columns.lastCompleteCycleAt])
        }
    }

    /// A stored outcome (`CycleOutcome.stored`).
    static func decodedOutcome(_ text: String?) -> CycleOutcome? { CycleOutcome.stored(text) }

    /// Deliveries not yet done, for `STATUS=` and `ftd status`.
    public func pendingDeliveryCount() throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'") ?? 0
        }
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
            var accounts: [StoredDaemonStatus.AccountRow] = []
            let stored = try Row.fetchCursor(
                db,
                sql:
                    "SELECT name, last_cycle, last_error, last_complete_cycle_at, baseline_completed_at FROM accounts"
            )
            while let row = try stored.next() {
                accounts.append(
                    StoredDaemonStatus.AccountRow(
                        name: row[0], lastCycle: row[1], lastError: row[2], lastCompleteCycleAt: row[3],
                        baselineCompletedAt: row[4]))
            }
            let pending =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'") ?? 0
            return StoredDaemonStatus(accounts: accounts, jobCounts: counts, pendingDeliveries: pending)
        }
    }
}
