import FTDModel
import Foundation
import GRDB

/// The daemon's own state in the `meta` table: how the last cycle went, and the last one
/// that went wrong. Written after every cycle, so `ftd status` can answer from another
/// process, and kept apart from the cycle's facts: a cycle that recorded nothing still
/// leaves its outcome.
extension AppDatabase {
    static let lastCycleKey = "daemon.last_cycle"
    static let lastErrorKey = "daemon.last_error"
    /// Unix seconds when the last complete cycle ended (`/metrics`), kept apart: the last
    /// cycle and the last error say nothing of it once an incomplete one followed.
    static let lastCompleteCycleKey = "daemon.last_complete_cycle_at"

    public func recordCycleOutcome(_ outcome: CycleOutcome) throws {
        let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        try write { db in
            let upsert = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
            try db.execute(sql: upsert, arguments: [Self.lastCycleKey, json])
            if outcome.result != .complete {
                try db.execute(sql: upsert, arguments: [Self.lastErrorKey, json])
            } else {
                try db.execute(
                    sql: upsert, arguments: [Self.lastCompleteCycleKey, String(outcome.finishedAt)])
            }
        }
    }

    /// Deliveries not yet done, for `STATUS=` and `ftd status`.
    public func pendingDeliveryCount() throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'") ?? 0
        }
    }

    /// The outcome stored under `key` (`lastCycleKey`, `lastErrorKey`).
    static func storedOutcome(_ db: Database, key: String) throws -> CycleOutcome? {
        guard
            let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
        else { return nil }
        return try? JSONDecoder().decode(CycleOutcome.self, from: Data(text.utf8))
    }

    static func lastCycleOutcome(_ db: Database) throws -> CycleOutcome? {
        try storedOutcome(db, key: lastCycleKey)
    }

    public func daemonStatus() throws -> StoredDaemonStatus {
        try read { db in
            func outcome(_ key: String) throws -> CycleOutcome? { try Self.storedOutcome(db, key: key) }
            let terminal = JobStatus.terminal.sorted()
            let active =
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT COUNT(*) FROM jobs WHERE status NOT IN (\(databaseQuestionMarks(count: terminal.count)))",
                    arguments: StatementArguments(terminal)) ?? 0
            let jobs = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs") ?? 0
            let pending =
                try db.tableExists("deliveries")
                ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'") ?? 0
                : 0
            return StoredDaemonStatus(
                lastCycle: try outcome(Self.lastCycleKey), lastError: try outcome(Self.lastErrorKey),
                activeJobs: active, pendingDeliveries: pending, jobs: jobs)
        }
    }
}
