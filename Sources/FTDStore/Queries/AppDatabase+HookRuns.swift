import FTDModel
import Foundation
import GRDB

/// The read side of the hooks' tables, for `ftd hooks runs` and `ftd history JOB`. A
/// database written before `v2-hooks` (read by `ftd history`, which never migrates) has
/// no hook tables: it simply has no hook runs.
extension AppDatabase {
    /// Recent deliveries, newest first; `failedOnly` keeps those that used up their
    /// attempts. An alert's delivery reads `to` = `alert:KIND`, with no `from`.
    public func hookRuns(failedOnly: Bool = false, limit: Int = 50) throws -> [DeliveryView] {
        try writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT deliveries.*,
                        transitions.from_status, transitions.to_status, transitions.observed_at,
                        alerts.kind AS alert_kind, alerts.observed_at AS alert_observed_at,
                        last_run.exit_code AS last_exit_code, last_run.stderr AS last_stderr
                    FROM deliveries
                    LEFT JOIN transitions ON transitions.id = deliveries.transition_id
                    LEFT JOIN alerts ON alerts.id = deliveries.alert_id
                    LEFT JOIN hook_runs AS last_run ON last_run.id = (
                        SELECT id FROM hook_runs WHERE hook_runs.delivery_id = deliveries.id
                        ORDER BY attempt DESC LIMIT 1)
                    \(failedOnly ? "WHERE deliveries.status = 'failed'" : "")
                    ORDER BY deliveries.rowid DESC
                    LIMIT ?
                    """, arguments: [max(limit, 0)])
            return try rows.map { row in
                let record = try DeliveryRecord(row: row)
                return StoredRows.delivery(
                    id: record.id, hook: record.hook, account: record.account, jobID: record.jobID,
                    status: record.status.rawValue, attempts: record.attempts, createdAt: record.createdAt,
                    doneAt: record.doneAt,
                    transition: (row["to_status"] as String?).map {
                        (row["from_status"], $0, row["observed_at"])
                    },
                    alert: (row["alert_kind"] as String?).map { ($0, row["alert_observed_at"]) },
                    lastExitCode: row["last_exit_code"], lastStderr: row["last_stderr"])
            }
        }
    }

    /// A job's finished attempts in the order they ran. An attempt still running is left
    /// out: SPEC section 6 knows only finished ones, and it shows once it ends.
    static func hookRunViews(job: JobKey, _ db: Database) throws -> [HookRunView] {
        try HookRunRecord.fetchAll(
            db,
            sql:
                "SELECT * FROM hook_runs WHERE account = ? AND job_id = ? AND status != 'running' ORDER BY id",
            arguments: [job.account, job.id]
        ).map(\.view)
    }

    static func lastNonEmptyLine(_ text: String) -> String? { StoredRows.lastNonEmptyLine(text) }
}
