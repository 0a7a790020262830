import FTDConfig
import FTDModel
import Foundation
import GRDB

/// The durable outbox of SPEC section 5: deliveries are enqueued by `record(cycle:)` in
/// the cycle's transaction, and each attempt is written before and after the hook runs.
extension AppDatabase {
    /// What `markInterruptedAttempts()` writes into an attempt the daemon died during.
    public static let interruptedStderr = "interrupted: ftd stopped while the hook ran"

    /// Undone deliveries in the order they were enqueued: a job's transitions and alerts in
    /// the order they were recorded, and the configured hooks' order within one of them.
    public func pendingDeliveries() throws -> [HookDelivery] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT deliveries.*,
                        transitions.from_status, transitions.to_status, transitions.observed_at,
                        transitions.is_baseline,
                        alerts.kind AS alert_kind, alerts.detail AS alert_detail,
                        alerts.observed_at AS alert_observed_at, alerts.step AS alert_step,
                        jobs.status AS job_status,
                        (SELECT COUNT(*) FROM hook_runs
                            WHERE hook_runs.delivery_id = deliveries.id
                                AND NOT hook_runs.cut_by_stop AND NOT hook_runs.interrupted)
                            AS runs,
                        (SELECT COUNT(*) FROM hook_runs
                            WHERE hook_runs.delivery_id = deliveries.id AND hook_runs.interrupted)
                            AS interrupted_runs
                    FROM deliveries
                    LEFT JOIN transitions ON transitions.id = deliveries.transition_id
                    LEFT JOIN alerts ON alerts.id = deliveries.alert_id
                    JOIN jobs ON jobs.account = deliveries.account AND jobs.id = deliveries.job_id
                    WHERE deliveries.status = 'pending'
                    ORDER BY deliveries.rowid
                    """)
            return try rows.map { row in
                let record = try DeliveryRecord(row: row)
                let alertKind: String? = row["alert_kind"]
                let (transition, alert) = OutboxRules.transition(
                    account: record.account, jobID: record.jobID, jobStatus: row["job_status"],
                    stored: (row["from_status"], row["to_status"], row["observed_at"], row["is_baseline"]),
                    alert: alertKind.map {
                        ($0, row["alert_detail"], row["alert_observed_at"], row["alert_step"])
                    })
                return HookDelivery(
                    id: record.id, hook: record.hook, transition: transition,
                    job: try Self.job(of: record, transition: transition, db), attemptsMade: row["runs"],
                    interruptedRuns: row["interrupted_runs"], alert: alert)
            }
        }
    }

    /// Records that an attempt starts, before the hook's process does. The attempt number
    /// counts every earlier row, including attempts a crash or a stop cut short, so each
    /// run of a delivery has its own number.
    public func beginAttempt(deliveryID: String, startedAt: Int64) throws -> (runID: Int64, attempt: Int) {
        try write { db in
            guard let delivery = try DeliveryRecord.fetchOne(db, key: deliveryID) else {
                throw OutboxError.unknownDelivery(id: deliveryID)
            }
            let previous =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM hook_runs WHERE delivery_id = ?", arguments: [deliveryID])
                ?? 0
            var run = HookRunRecord(
                id: nil, deliveryID: deliveryID, account: delivery.account, jobID: delivery.jobID,
                hook: delivery.hook,
                attempt: previous + 1, status: HookRunRecord.running, exitCode: nil, timedOut: false,
                startedAt: startedAt, durationMs: nil, stdout: "", stderr: "")
            try run.insert(db)
            let runID = db.lastInsertedRowID
            try db.execute(
                sql: "UPDATE deliveries SET attempts = ? WHERE id = ?", arguments: [run.attempt, deliveryID])
            return (runID, run.attempt)
        }
    }

    /// Records how an attempt ended. An attempt `cutByStop` (the daemon's graceful stop
    /// ended it) is a failed run in the history that does not count against the retries.
    /// A successful attempt also marks its delivery succeeded, in the same transaction: a
    /// crash between two writes must not leave a delivery whose hook succeeded pending, to
    /// run again (or, after its last attempt, to be marked failed).
    public func finishAttempt(runID: Int64, result: HookRunResult, cutByStop: Bool = false) throws {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE hook_runs
                    SET status = ?, exit_code = ?, timed_out = ?, duration_ms = ?, stdout = ?, stderr = ?,
                        cut_by_stop = ?
                    WHERE id = ?
                    """,
                arguments: [
                    result.outcome.rawValue, result.exitCode, result.timedOut, result.durationMs,
                    result.stdout, result.stderr, cutByStop, runID,
                ])
            if db.changesCount == 0 { throw OutboxError.unknownRun(id: runID) }
            if result.outcome == .succeeded, !cutByStop {
                try db.execute(
                    sql: """
                        UPDATE deliveries SET status = 'succeeded', done_at = ?
                        WHERE id = (SELECT delivery_id FROM hook_runs WHERE id = ?) AND status = 'pending'
                        """,
                    arguments: [OutboxRules.doneAt(result), runID])
            }
        }
    }

    /// Marks a delivery done: the hook exited 0, or it used up its attempts. A done
    /// delivery never runs again; completing it twice keeps the first outcome.
    /// - Parameter note: why, appended to the stderr of its last attempt, where
    ///   `ftd hooks runs` shows it; only when this call is the one that completes it.
    public func completeDelivery(id: String, succeeded: Bool, at time: Int64, note: String? = nil) throws {
        try write { db in
            guard try DeliveryRecord.exists(db, key: id) else { throw OutboxError.unknownDelivery(id: id) }
            let status: DeliveryRecord.Status = succeeded ? .succeeded : .failed
            try db.execute(
                sql: "UPDATE deliveries SET status = ?, done_at = ? WHERE id = ? AND status = 'pending'",
                arguments: [status.rawValue, time, id])
            guard let note, db.changesCount > 0 else { return }
            try db.execute(
                sql: """
                    UPDATE hook_runs SET stderr = stderr || ?
                    WHERE id = (SELECT id FROM hook_runs WHERE delivery_id = ? ORDER BY attempt DESC LIMIT 1)
                    """, arguments: [note, id])
        }
    }

    /// At daemon start: attempts still `running` belong to hook processes that died with
    /// the previous daemon. They become failed attempts (no exit code) flagged
    /// `interrupted`: numbered and kept, but not counted against the retries. Their
    /// deliveries stay pending and run again. Returns how many were marked.
    ///
    /// Only the holder of the `DaemonLock` may call it: another process's `running` rows
    /// are hooks that still run.
    @discardableResult
    public func markInterruptedAttempts() throws -> Int {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE hook_runs
                    SET status = 'failed', exit_code = NULL, stderr = ?, interrupted = 1
                    WHERE status = 'running'
                    """, arguments: [Self.interruptedStderr])
            return db.changesCount
        }
    }

    /// One pending delivery per hook that fires on `transition`'s new status. Called by
    /// `record(cycle:)` right after it inserted the transition, in its transaction.
    static func enqueueDeliveries(
        for transition: TransitionRecord, jobJSON: String, hooks: [HookSettings], _ db: Database
    ) throws {
        guard let transitionID = transition.id else { return }
        for (position, hook) in OutboxRules.hooks(for: transition.transition, among: hooks) {
            try DeliveryRecord(
                id: DeliveryRecord.newID(), transitionID: transitionID, account: transition.account,
                jobID: transition.jobID,
                hook: hook.name, position: position, jobJSON: jobJSON, status: .pending, attempts: 0,
                createdAt: transition.observedAt, doneAt: nil
            ).insert(db)
        }
    }

    /// The job as stored with the delivery (`OutboxRules.parsedJob`), else its stored row.
    private static func job(of delivery: DeliveryRecord, transition: Transition, _ db: Database) throws
        -> FineTuningJob
    {
        if let job = OutboxRules.parsedJob(delivery.jobJSON) { return job }
        return OutboxRules.fallbackJob(
            stored: try JobRecord.fetchOne(db, key: ["account": delivery.account, "id": delivery.jobID]),
            jobID: delivery.jobID, status: transition.to)
    }
}
