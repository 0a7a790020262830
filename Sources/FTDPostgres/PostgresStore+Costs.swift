import FTDModel
import FTDStore
import PostgresNIO

/// What jobs cost (SPEC section 10), as the SQLite store stores and reads it
/// (`AppDatabase+Costs.swift`): `ftd submit`'s estimates, and the finished jobs
/// `ftd report` totals.
extension PostgresStore: CostStore {
    /// Stores `estimate`, replacing an earlier one of the same job. Not fenced: `ftd submit`
    /// stores it, from any machine, leader or not.
    public func recordEstimate(_ estimate: TrainingEstimate) async throws {
        try await query(
            """
            INSERT INTO job_estimates (account, job_id, estimated_tokens, epochs, estimated_at)
            VALUES (\(estimate.job.account), \(estimate.job.id), \(estimate.trainedTokens), \(estimate.epochs),
                \(estimate.estimatedAt))
            ON CONFLICT (account, job_id) DO UPDATE SET
                estimated_tokens = excluded.estimated_tokens, epochs = excluded.epochs,
                estimated_at = excluded.estimated_at
            """)
    }

    public func estimate(job: JobKey) async throws -> TrainingEstimate? {
        let rows = try await query(
            """
            SELECT estimated_tokens, epochs, estimated_at FROM job_estimates
            WHERE account = \(job.account) AND job_id = \(job.id)
            """)
        return try await mappingErrors {
            var estimate: TrainingEstimate?
            for try await (tokens, epochs, estimatedAt) in rows.decode((Int64, Int, Int64).self) {
                estimate = TrainingEstimate(
                    job: job, trainedTokens: tokens, epochs: epochs, estimatedAt: estimatedAt)
            }
            return estimate
        }
    }

    /// The jobs with a `finished_at` in the query's period, by account and model (model
    /// nil last, both by their bytes as SQLite orders them), summed by
    /// `FinishedJobGrouping` as the rows arrive.
    public func finishedJobGroups(_ query: FinishedJobsQuery) async throws -> [FinishedJobGroup] {
        var values = BoundValues()
        var conditions = ["finished_at IS NOT NULL"]
        if let period = query.finished {
            conditions.append(
                "finished_at >= \(values.bind(period.lowerBound)) AND finished_at < \(values.bind(period.upperBound))"
            )
        }
        if let account = query.account { conditions.append("account = \(values.bind(account))") }
        let sql = """
            SELECT account, model, trained_tokens FROM jobs
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY account \(bytewise), model IS NULL, model \(bytewise)
            """
        let rows = try await self.query(values.query(sql))
        return try await mappingErrors {
            var grouping = FinishedJobGrouping()
            for try await (account, model, tokens) in rows.decode((String, String?, Int64?).self) {
                grouping.add(account: account, model: model, trainedTokens: tokens)
            }
            return grouping.groups
        }
    }
}
