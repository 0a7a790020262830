import FTDModel
import GRDB

/// `/metrics`' one read: a few aggregate statements in one read transaction, whatever the
/// number of jobs (no query per job). A scrape waits for no write and holds none.
extension AppDatabase {
    public func metricsSnapshot() throws -> MetricsSnapshot {
        try read { db in
            var snapshot = MetricsSnapshot()
            let counts = try Row.fetchCursor(db, sql: "SELECT status, COUNT(*) FROM jobs GROUP BY status")
            while let row = try counts.next() { snapshot.jobsByStatus[row[0]] = row[1] }

            let terminal = JobStatus.terminal.sorted()
            let active = try Row.fetchCursor(
                db,
                sql: Self.activeJobsSQL(
                    terminalCount: terminal.count, storedStepSummary: try db.tableExists("step_summaries")),
                arguments: StatementArguments(terminal))
            while let row = try active.next() {
                snapshot.activeJobs.append(
                    ActiveJobProgress(
                        id: row[0], status: row[1], step: row[2] ?? 0, totalSteps: row[3], trainLoss: row[4]))
            }

            if try db.tableExists("deliveries") {
                snapshot.pendingDeliveries =
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'") ?? 0
            }
            snapshot.lastCompleteCycleAt = try Self.lastCompleteCycleAt(db)
            return snapshot
        }
    }

    /// The active jobs with the end of their loss curve: `step_summaries` holds the last
    /// step and its loss, the steps' primary key its total. A database the daemon has not
    /// yet migrated (`ftd serve` never migrates) gets them from the steps themselves.
    static func activeJobsSQL(terminalCount: Int, storedStepSummary: Bool) -> String {
        let lastStep =
            storedStepSummary
            ? "step_summaries.last_step" : "(SELECT MAX(step) FROM steps WHERE steps.job_id = jobs.id)"
        let join = storedStepSummary ? " LEFT JOIN step_summaries ON step_summaries.job_id = jobs.id" : ""
        return """
            SELECT active.id, active.status, active.last_step, steps.total_steps, steps.train_loss
            FROM (
                SELECT jobs.id AS id, jobs.status AS status, \(lastStep) AS last_step
                FROM jobs\(join)
                WHERE jobs.status NOT IN (\(databaseQuestionMarks(count: terminalCount)))
            ) AS active
            LEFT JOIN steps ON steps.job_id = active.id AND steps.step = active.last_step
            ORDER BY active.id
            """
    }

    /// Written by `recordCycleOutcome` for every complete cycle; a database written before
    /// it was kept knows only whether the last cycle was complete.
    static func lastCompleteCycleAt(_ db: Database) throws -> Int64? {
        if let stored = try String.fetchOne(
            db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [lastCompleteCycleKey])
        {
            return Int64(stored)
        }
        return try lastCycleOutcome(db).flatMap { $0.result == .complete ? $0.finishedAt : nil }
    }
}
