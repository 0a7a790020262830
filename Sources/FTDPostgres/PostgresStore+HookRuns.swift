import FTDModel
import FTDStore
import PostgresNIO

/// The read side of the hooks' tables and of the alerts, for `ftd hooks runs`,
/// `ftd status` and `ftd history JOB`, as the SQLite store reads them
/// (`AppDatabase+HookRuns.swift`, `AppDatabase+Alerts.swift`).
extension PostgresStore {
    /// Recent deliveries, newest first (`seq` orders the outbox as SQLite's rowid);
    /// `failedOnly` keeps those that used up their attempts.
    public func hookRuns(failedOnly: Bool, limit: Int) async throws -> [DeliveryView] {
        let rows = try await query(
            """
            SELECT d.id, d.hook, d.account, d.job_id, d.status, d.attempts, d.created_at, d.done_at,
                t.from_status, t.to_status, t.observed_at, a.kind, a.observed_at, last_run.exit_code,
                last_run.stderr
            FROM deliveries d
            LEFT JOIN transitions t ON t.id = d.transition_id
            LEFT JOIN alerts a ON a.id = d.alert_id
            LEFT JOIN LATERAL (
                SELECT exit_code, stderr FROM hook_runs WHERE hook_runs.delivery_id = d.id
                ORDER BY attempt DESC LIMIT 1
            ) AS last_run ON TRUE
            \(unescaped: failedOnly ? "WHERE d.status = 'failed'" : "")
            ORDER BY d.seq DESC
            LIMIT \(max(limit, 0))
            """)
        return try await mappingErrors {
            var views: [DeliveryView] = []
            for try await row in rows {
                let (
                    id, hook, account, jobID, status, attempts, createdAt, doneAt, from, to, observedAt, kind,
                    alertObservedAt, exitCode, stderr
                ) = try row.decode(
                    (
                        String, String, String, String, String, Int, Int64, Int64?, String?, String?, Int64?,
                        String?, Int64?, Int64?, String?
                    ).self)
                views.append(
                    StoredRows.delivery(
                        id: id, hook: hook, account: account, jobID: jobID, status: status,
                        attempts: attempts,
                        createdAt: createdAt, doneAt: doneAt,
                        transition: to.map { (from, $0, observedAt ?? 0) },
                        alert: kind.map { ($0, alertObservedAt ?? 0) },
                        lastExitCode: exitCode.map { Int32(clamping: $0) }, lastStderr: stderr))
            }
            return views
        }
    }

    /// A job's finished attempts in the order they ran. An attempt still running is left
    /// out: SPEC section 6 knows only finished ones, and it shows once it ends.
    func hookRuns(_ job: JobKey, _ connection: PostgresConnection) async throws -> [HookRunView] {
        let rows = try await connection.query(
            """
            SELECT hook, delivery_id, attempt, status, exit_code, timed_out, started_at, duration_ms
            FROM hook_runs WHERE account = \(job.account) AND job_id = \(job.id) AND status <> 'running'
            ORDER BY id
            """, logger: logger)
        var runs: [HookRunView] = []
        for try await (hook, delivery, attempt, status, exitCode, timedOut, startedAt, duration)
            in rows.decode(
                (String, String, Int, String, Int64?, Bool, Int64, Int64?).self)
        {
            runs.append(
                HookRunView(
                    hook: hook, deliveryID: delivery, attempt: attempt, status: status,
                    exitCode: exitCode.map { Int32(clamping: $0) }, timedOut: timedOut, startedAt: startedAt,
                    durationMs: duration))
        }
        return runs
    }

    public func alerts(job: JobKey) async throws -> [JobAlert] {
        try await reading { connection in try await alerts(of: job, limit: nil, connection) }
    }

    public func recentAlerts(limit: Int) async throws -> [JobAlert] {
        try await reading { connection in try await alerts(of: nil, limit: limit, connection).reversed() }
    }

    /// The newest `limit` alerts (all when nil or negative, as SQLite's `LIMIT -1`) of `job`,
    /// or of every job, in the order they fired.
    func alerts(of job: JobKey?, limit: Int?, _ connection: PostgresConnection) async throws -> [JobAlert] {
        var values = BoundValues()
        var sql = "SELECT account, job_id, kind, detail, observed_at, step, id FROM alerts"
        if let job {
            sql += " WHERE account = \(values.bind(job.account)) AND job_id = \(values.bind(job.id))"
        }
        sql += " ORDER BY observed_at DESC, id DESC"
        if let limit, limit >= 0 { sql += " LIMIT \(values.bind(limit))" }
        let rows = try await connection.query(
            values.query("SELECT * FROM (\(sql)) AS newest ORDER BY observed_at, id"), logger: logger)
        var alerts: [JobAlert] = []
        for try await (account, jobID, kind, detail, observedAt, step) in rows.decode(
            (String, String, String, String, Int64, Int?).self)
        {
            if let alert = StoredRows.alert(
                account: account, jobID: jobID, kind: kind, detail: detail, observedAt: observedAt, step: step
            ) {
                alerts.append(alert)
            }
        }
        return alerts
    }
}
