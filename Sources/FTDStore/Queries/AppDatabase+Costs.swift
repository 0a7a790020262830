import FTDModel
import GRDB

/// What jobs cost (SPEC section 10): `ftd submit`'s estimates, and the finished jobs
/// `ftd report` totals.
extension AppDatabase {
    /// Stores `estimate`, replacing an earlier one of the same job.
    public func recordEstimate(_ estimate: TrainingEstimate) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO job_estimates (account, job_id, estimated_tokens, epochs, estimated_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (account, job_id) DO UPDATE SET
                        estimated_tokens = excluded.estimated_tokens, epochs = excluded.epochs,
                        estimated_at = excluded.estimated_at
                    """,
                arguments: [
                    estimate.job.account, estimate.job.id, estimate.trainedTokens, estimate.epochs,
                    estimate.estimatedAt,
                ])
        }
    }

    /// The job's estimate; nil when none was stored.
    public func estimate(job: JobKey) throws -> TrainingEstimate? {
        try writer.read { db in
            return try Row.fetchOne(
                db,
                sql: """
                    SELECT estimated_tokens, epochs, estimated_at FROM job_estimates
                    WHERE account = ? AND job_id = ?
                    """, arguments: [job.account, job.id]
            ).map { row in
                TrainingEstimate(job: job, trainedTokens: row[0], epochs: row[1], estimatedAt: row[2])
            }
        }
    }

    /// The jobs with a `finished_at` in the query's period, by account and model (model
    /// nil last), summed by `FinishedJobGrouping`.
    public func finishedJobGroups(_ query: FinishedJobsQuery) throws -> [FinishedJobGroup] {
        try writer.read { db in
            var conditions = ["finished_at IS NOT NULL"]
            var arguments: [any DatabaseValueConvertible] = []
            if let period = query.finished {
                conditions.append("finished_at >= ? AND finished_at < ?")
                arguments += [period.lowerBound, period.upperBound]
            }
            if let account = query.account {
                conditions.append("account = ?")
                arguments.append(account)
            }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT account, model, trained_tokens FROM jobs
                    WHERE \(conditions.joined(separator: " AND "))
                    ORDER BY account, model IS NULL, model
                    """, arguments: StatementArguments(arguments))
            var grouping = FinishedJobGrouping()
            while let row = try rows.next() {
                grouping.add(account: row[0], model: row[1], trainedTokens: row[2])
            }
            return grouping.groups
        }
    }
}
