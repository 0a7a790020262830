import FTDModel
import GRDB

/// `/metrics`' one read: a few aggregate statements in one read transaction, whatever the
/// number of jobs (no query per job). A scrape waits for no write and holds none.
extension AppDatabase {
    public func metricsSnapshot() throws -> MetricsSnapshot {
        try read { db in
            var snapshot = MetricsSnapshot()
            let counts = try Row.fetchCursor(
                db, sql: "SELECT account, status, COUNT(*) FROM jobs GROUP BY account, status")
            while let row = try counts.next() { snapshot.jobsByStatus[row[0], default: [:]][row[1]] = row[2] }

            let terminal = JobStatus.terminal.sorted()
            let active = try Row.fetchCursor(
                db, sql: Self.activeJobsSQL(terminalCount: terminal.count),
                arguments: StatementArguments(terminal))
            while let row = try active.next() {
                snapshot.activeJobs.append(
                    ActiveJobProgress(
                        account: row[0], id: row[1], status: row[2], step: row[3] ?? 0, totalSteps: row[4],
                        trainLoss: row[5]))
            }
            snapshot.pendingDeliveries =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'") ?? 0
            let cycles = try Row.fetchCursor(
                db,
                sql:
                    "SELECT name, last_complete_cycle_at FROM accounts WHERE last_complete_cycle_at IS NOT NULL"
            )
            while let row = try cycles.next() { snapshot.lastCompleteCycleAt[row[0]] = row[1] }
            return snapshot
        }
    }

    /// The active jobs with the end of their loss curve: `step_summaries` holds the last
    /// step and its loss, the steps' primary key its total. (`step_rows` by its key: the
    /// `steps` view on the right of a LEFT JOIN would be read whole.)
    static func activeJobsSQL(terminalCount: Int) -> String {
        """
        SELECT active.account, active.id, active.status, active.last_step, s.total_steps, s.train_loss
        FROM (
            SELECT jobs.account AS account, jobs.id AS id, jobs.status AS status,
                step_summaries.last_step AS last_step
            FROM jobs
            LEFT JOIN step_summaries ON step_summaries.account = jobs.account AND step_summaries.job_id = jobs.id
            WHERE jobs.status NOT IN (\(databaseQuestionMarks(count: terminalCount)))
        ) AS active
        LEFT JOIN job_keys k ON k.account = active.account AND k.id = active.id
        LEFT JOIN step_rows s ON s.job_key = k.job_key AND s.step = active.last_step
        ORDER BY active.account, active.id
        """
    }
}
