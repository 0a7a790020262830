import GRDB

extension AppDatabase {
    /// Migration `v9-estimates` (SPEC section 10): the trained tokens `ftd submit`
    /// estimated for a job before creating it, so that the job shows an estimated cost
    /// until the API reports its `trained_tokens`. Keyed by (account, job id) like every
    /// row about a job (SPEC section 8). No foreign key to `jobs`, on purpose: `ftd submit`
    /// stores the estimate as soon as the API answers with the job's id, and the job's own
    /// row may come later (a failed first record is left to the daemon's next cycle).
    static func createEstimatesTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE job_estimates (
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    estimated_tokens INTEGER NOT NULL,
                    epochs INTEGER NOT NULL,
                    estimated_at INTEGER NOT NULL,
                    PRIMARY KEY (account, job_id)
                ) WITHOUT ROWID
                """)
    }
}
