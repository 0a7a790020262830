import FTDModel
import FTDStore
import PostgresNIO

/// What the daemons record about themselves and what `ftd status` and `/metrics` read
/// back, as the SQLite store keeps it in `accounts`.
extension PostgresStore: DaemonStatusStore {
    /// Written after every cycle, apart from the cycle's facts: a cycle that recorded
    /// nothing still leaves its outcome.
    public func recordCycleOutcome(_ outcome: CycleOutcome, account: String) async throws {
        let columns = try outcome.storedColumns()
        try await withRows(
            """
            INSERT INTO accounts (name, last_cycle, last_error, last_complete_cycle_at)
            VALUES (\(account), \(columns.lastCycle), \(columns.lastError)::text,
                \(columns.lastCompleteCycleAt)::bigint)
            ON CONFLICT (name) DO UPDATE SET
                last_cycle = EXCLUDED.last_cycle,
                last_error = COALESCE(EXCLUDED.last_error, accounts.last_error),
                last_complete_cycle_at = COALESCE(EXCLUDED.last_complete_cycle_at, accounts.last_complete_cycle_at)
            """
        ) { _ in }
    }

    /// Every account's state and the outbox, from one snapshot.
    public func daemonStatus() async throws -> StoredDaemonStatus {
        try await reading { connection in
            var counts: [String: (jobs: Int, active: Int)] = [:]
            let jobs = try await connection.query(
                """
                SELECT account, COUNT(*), COUNT(*) FILTER (WHERE \(unescaped: CycleRules.activeJobsCondition))
                FROM jobs GROUP BY account
                """, logger: logger)
            for try await (account, all, active) in jobs.decode((String, Int, Int).self) {
                counts[account] = (all, active)
            }
            var accounts: [StoredDaemonStatus.AccountRow] = []
            let rows = try await connection.query(
                "SELECT name, last_cycle, last_error, last_complete_cycle_at, baseline_completed_at FROM accounts",
                logger: logger)
            for try await (name, lastCycle, lastError, complete, baseline) in rows.decode(
                (String, String?, String?, Int64?, Int64?).self)
            {
                accounts.append(
                    StoredDaemonStatus.AccountRow(
                        name: name, lastCycle: lastCycle, lastError: lastError, lastCompleteCycleAt: complete,
                        baselineCompletedAt: baseline))
            }
            let pending = try await Self.pendingCount(connection, logger)
            return StoredDaemonStatus(accounts: accounts, jobCounts: counts, pendingDeliveries: pending)
        }
    }

    public func pendingDeliveryCount() async throws -> Int {
        try await mappingErrors {
            try await client.withConnection { connection in try await Self.pendingCount(connection, logger) }
        }
    }

    static func pendingCount(_ connection: PostgresConnection, _ logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// `/metrics`' one read at each scrape: a few aggregate statements in one snapshot,
    /// whatever the number of jobs (no query per job). Each active job's end of curve is
    /// its `step_summaries` row and that step's row.
    public func metricsSnapshot() async throws -> MetricsSnapshot {
        try await reading { connection in
            var snapshot = MetricsSnapshot()
            let counts = try await connection.query(
                "SELECT account, status, COUNT(*) FROM jobs GROUP BY account, status", logger: logger)
            for try await (account, status, count) in counts.decode((String, String, Int).self) {
                snapshot.jobsByStatus[account, default: [:]][status] = count
            }
            let active = try await connection.query(
                """
                SELECT jobs.account, jobs.id, jobs.status, step_summaries.last_step, steps.total_steps,
                    steps.train_loss
                FROM jobs
                LEFT JOIN step_summaries
                    ON step_summaries.account = jobs.account AND step_summaries.job_id = jobs.id
                LEFT JOIN steps ON steps.account = jobs.account AND steps.job_id = jobs.id
                    AND steps.step = step_summaries.last_step
                WHERE jobs.\(unescaped: CycleRules.activeJobsCondition)
                ORDER BY jobs.account \(unescaped: bytewise), jobs.id \(unescaped: bytewise)
                """, logger: logger)
            for try await (account, id, status, step, total, loss) in active.decode(
                (String, String, String, Int?, Int?, Double?).self)
            {
                snapshot.activeJobs.append(
                    ActiveJobProgress(
                        account: account, id: id, status: status, step: step ?? 0, totalSteps: total,
                        trainLoss: loss))
            }
            snapshot.pendingDeliveries = try await Self.pendingCount(connection, logger)
            let cycles = try await connection.query(
                "SELECT name, last_complete_cycle_at FROM accounts WHERE last_complete_cycle_at IS NOT NULL",
                logger: logger)
            for try await (name, time) in cycles.decode((String, Int64).self) {
                snapshot.lastCompleteCycleAt[name] = time
            }
            return snapshot
        }
    }

    /// At a start, before any hook runs: attempts still `running` belong to hook processes
    /// that died with a daemon. They become failed attempts (no exit code) flagged
    /// `interrupted`: numbered and kept, but not counted against the retries; their
    /// deliveries stay pending and run again. In the shared store another daemon may be
    /// running hooks at this moment: the attempts of a delivery claimed by the daemon that
    /// holds an unexpired lease (other than this one) are its own, and left alone: a
    /// daemon that takes the lease over can call it again to take back its dead
    /// predecessor's.
    public func markInterruptedAttempts() async throws -> Int {
        try await withRows(
            """
            WITH marked AS (
                UPDATE hook_runs
                SET status = 'failed', exit_code = NULL, stderr = \(AppDatabase.interruptedStderr), interrupted = TRUE
                FROM deliveries
                WHERE hook_runs.status = 'running' AND deliveries.id = hook_runs.delivery_id
                    AND NOT EXISTS (
                        SELECT 1 FROM leader_lease
                        WHERE leader_lease.holder = deliveries.claimed_by
                            AND leader_lease.holder IS DISTINCT FROM \(instance?.id)::text
                            AND leader_lease.expires_at > clock_timestamp())
                RETURNING 1
            )
            SELECT COUNT(*) FROM marked
            """
        ) { rows in
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }
}
