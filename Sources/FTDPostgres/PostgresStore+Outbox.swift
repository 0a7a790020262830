import FTDModel
import FTDStore
import PostgresNIO

/// The durable outbox of SPEC section 5 in the shared store: deliveries are enqueued in
/// the cycle's transaction (`CycleWriter`), and each attempt is written before and after
/// the hook runs, in transactions fenced by the leader lease. An attempt first claims its
/// delivery (section 11): only one daemon runs a hook at a time.
extension PostgresStore: DeliveryOutbox {
    /// Undone deliveries in the order they were enqueued (`seq`): a job's transitions and
    /// alerts in the order they were recorded, and the configured hooks' order within one.
    public func pendingDeliveries() async throws -> [HookDelivery] {
        let query: PostgresQuery = """
            SELECT d.id, d.hook, d.account, d.job_id, d.job_json, j.status,
                t.from_status, t.to_status, t.observed_at, t.is_baseline,
                a.kind, a.detail, a.observed_at, a.step,
                (SELECT COUNT(*) FROM hook_runs r
                    WHERE r.delivery_id = d.id AND NOT r.cut_by_stop AND NOT r.interrupted),
                (SELECT COUNT(*) FROM hook_runs r WHERE r.delivery_id = d.id AND r.interrupted)
            FROM deliveries d
            LEFT JOIN transitions t ON t.id = d.transition_id
            LEFT JOIN alerts a ON a.id = d.alert_id
            JOIN jobs j ON j.account = d.account AND j.id = d.job_id
            WHERE d.status = 'pending'
            ORDER BY d.seq
            """
        let deliveries = try await withRows(query) { rows in
            var deliveries: [(HookDelivery, parsed: Bool)] = []
            for try await row in rows {
                let (
                    id, hook, account, jobID, jobJSON, status, from, to, observedAt, isBaseline, kind, detail,
                    alertAt,
                    alertStep, runs, interrupted
                ) = try row.decode(
                    (
                        String, String, String, String, String, String, String?, String?, Int64?, Bool?,
                        String?,
                        String?, Int64?, Int?, Int, Int
                    ).self)
                var alert: (kind: String, detail: String, observedAt: Int64, step: Int?)?
                if let kind, let detail, let alertAt { alert = (kind, detail, alertAt, alertStep) }
                let (transition, jobAlert) = OutboxRules.transition(
                    account: account, jobID: jobID, jobStatus: status,
                    stored: (from, to, observedAt, isBaseline),
                    alert: alert)
                let job = OutboxRules.parsedJob(jobJSON)
                deliveries.append(
                    (
                        HookDelivery(
                            id: id, hook: hook, transition: transition,
                            job: job ?? FineTuningJob(id: jobID, status: transition.to), attemptsMade: runs,
                            interruptedRuns: interrupted, alert: jobAlert),
                        job != nil
                    ))
            }
            return deliveries
        }
        var pending: [HookDelivery] = []
        for (delivery, parsed) in deliveries {
            var delivery = delivery
            // Should its JSON not decode (it always was a decoded job), the job's stored row
            // stands in, so a delivery is never stuck.
            if !parsed {
                delivery.job = OutboxRules.fallbackJob(
                    stored: try await storedJobRecord(delivery.transition.job),
                    jobID: delivery.transition.jobID,
                    status: delivery.transition.to)
            }
            pending.append(delivery)
        }
        return pending
    }

    /// Claims the delivery and records that an attempt starts, before the hook's process
    /// does. The claim locks the delivery's row (`FOR UPDATE SKIP LOCKED`): of two daemons
    /// beginning it at once, one gets it and the other is refused at once rather than after
    /// the first one's commit. The attempt is counted in a statement of its own, which
    /// sees what committed while the claim waited. The attempt number counts every earlier
    /// row, including attempts a crash or a stop cut short.
    /// - Throws: `OutboxError.unknownDelivery` when the delivery is not pending (done, or
    ///   claimed at this moment by another daemon), as the SQLite outbox does for one it
    ///   does not hold.
    public func beginAttempt(deliveryID: String, startedAt: Int64) async throws -> (
        runID: Int64, attempt: Int
    ) {
        let claimer = instance?.id
        let begun: (Int64, Int)? = try await fencedTransaction { connection in
            let claimed = try await connection.query(
                """
                SELECT id FROM deliveries WHERE id = \(deliveryID) AND status = 'pending'
                FOR UPDATE SKIP LOCKED
                """, logger: logger)
            var held = false
            for try await _ in claimed { held = true }
            guard held else { return nil }
            let rows = try await connection.query(
                """
                WITH run AS (
                    INSERT INTO hook_runs (delivery_id, account, job_id, hook, attempt, status, started_at)
                    SELECT id, account, job_id, hook,
                        (SELECT COUNT(*) FROM hook_runs WHERE delivery_id = deliveries.id) + 1, 'running',
                        \(startedAt)
                    FROM deliveries WHERE id = \(deliveryID)
                    RETURNING id, attempt
                ), claim AS (
                    UPDATE deliveries SET attempts = run.attempt, claimed_by = \(claimer)::text
                    FROM run WHERE deliveries.id = \(deliveryID)
                )
                SELECT id, attempt FROM run
                """, logger: logger)
            for try await (runID, attempt) in rows.decode((Int64, Int).self) { return (runID, attempt) }
            return nil
        }
        guard let begun else { throw OutboxError.unknownDelivery(id: deliveryID) }
        return (begun.0, begun.1)
    }

    /// Records how an attempt ended. A successful attempt also marks its delivery
    /// succeeded, in the same statement: a crash between two writes must not leave a
    /// delivery whose hook succeeded pending. One `cutByStop` does not count against the
    /// retries.
    public func finishAttempt(runID: Int64, result: HookRunResult, cutByStop: Bool) async throws {
        let completes = result.outcome == .succeeded && !cutByStop
        let finished = try await fencedTransaction { connection in
            let rows = try await connection.query(
                """
                WITH run AS (
                    UPDATE hook_runs
                    SET status = \(result.outcome.rawValue), exit_code = \(result.exitCode.map(Int64.init))::bigint,
                        timed_out = \(result.timedOut), duration_ms = \(Int64(result.durationMs)),
                        stdout = \(result.stdout.replacingNUL), stderr = \(result.stderr.replacingNUL),
                        cut_by_stop = \(cutByStop)
                    WHERE id = \(runID)
                    RETURNING delivery_id
                ), done AS (
                    UPDATE deliveries SET status = 'succeeded', done_at = \(OutboxRules.doneAt(result))
                    FROM run WHERE \(completes) AND deliveries.id = run.delivery_id AND deliveries.status = 'pending'
                )
                SELECT COUNT(*) FROM run
                """, logger: logger)
            for try await count in rows.decode(Int.self) { return count > 0 }
            return false
        }
        if !finished { throw OutboxError.unknownRun(id: runID) }
    }

    /// Marks a delivery done: its hook used up its attempts, or is gone. A done delivery
    /// never runs again; completing it twice keeps the first outcome.
    /// - Parameter note: why, appended to the stderr of its last attempt, where
    ///   `ftd hooks runs` shows it; only when this call is the one that completes it.
    public func completeDelivery(id: String, succeeded: Bool, at time: Int64, note: String?) async throws {
        let status = succeeded ? "succeeded" : "failed"
        let known = try await fencedTransaction { connection in
            let rows = try await connection.query(
                """
                WITH done AS (
                    UPDATE deliveries SET status = \(status), done_at = \(time)
                    WHERE id = \(id) AND status = 'pending'
                    RETURNING id
                ), noted AS (
                    UPDATE hook_runs SET stderr = hook_runs.stderr || \(note?.replacingNUL)::text
                    WHERE \(note?.replacingNUL)::text IS NOT NULL AND hook_runs.id = (
                        SELECT last.id FROM hook_runs last JOIN done ON done.id = last.delivery_id
                        ORDER BY last.attempt DESC LIMIT 1)
                )
                SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = \(id))
                """, logger: logger)
            for try await exists in rows.decode(Bool.self) { return exists }
            return false
        }
        if !known { throw OutboxError.unknownDelivery(id: id) }
    }

    /// The stored row of a job, for a delivery whose own JSON does not decode.
    func storedJobRecord(_ job: JobKey) async throws -> JobRecord? {
        try await withRows(
            """
            SELECT status, model, fine_tuned_model, created_at, finished_at, trained_tokens, estimated_finish,
                training_file, validation_file, suffix, error_code, error_message, error_param, raw_json,
                first_seen_at, updated_at, final_sync_done, observed_ns
            FROM jobs WHERE account = \(job.account) AND id = \(job.id)
            """
        ) { rows in
            for try await row in rows {
                let (
                    status, model, fineTuned, createdAt, finishedAt, tokens, estimatedFinish, training,
                    validation,
                    suffix, code, message, param, raw, firstSeenAt, updatedAt, done, observed
                ) = try row.decode(
                    (
                        String, String?, String?, Int64?, Int64?, Int64?, Int64?, String?, String?, String?,
                        String?,
                        String?, String?, String, Int64, Int64, Bool, Int64?
                    ).self)
                return JobRecord(
                    account: job.account, id: job.id, status: status, model: model, fineTunedModel: fineTuned,
                    createdAt: createdAt, finishedAt: finishedAt, trainedTokens: tokens,
                    estimatedFinish: estimatedFinish, trainingFile: training, validationFile: validation,
                    suffix: suffix, errorCode: code, errorMessage: message, errorParam: param, rawJSON: raw,
                    firstSeenAt: firstSeenAt, updatedAt: updatedAt, finalSyncDone: done,
                    observedNanoseconds: observed)
            }
            return nil
        }
    }
}
