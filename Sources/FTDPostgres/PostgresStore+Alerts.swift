import FTDConfig
import FTDModel
import FTDStore
import PostgresNIO

/// Alerts (SPEC section 10), judged in the cycle's transaction after the baseline as
/// `AppDatabase.judgeAlerts` judges them (the rules: `AlertJudging`, `AlertJudge`), in
/// at most three statements whatever the number of jobs: every candidate's facts, the
/// curves of those that gained steps, and what fires with its deliveries.
extension CycleWriter {
    /// One job the judging looks at: its facts, and what its judging needs besides.
    struct Candidate {
        var id: String
        var facts: AlertFacts
        /// Its highest stored step (`alert.step`).
        var latestStep: Int?
        /// Its stored scans, as text.
        var scans: String?
    }

    /// Judges the account's active jobs, and those whose final sync this cycle completed
    /// unless they had finished by the baseline, and stores what fires.
    func judgeAlerts(thresholds: AlertThresholds) async throws -> [JobAlert] {
        var candidates = try await alertCandidates()
        guard !candidates.isEmpty else { return [] }
        try await readCurves(of: &candidates, thresholds: thresholds)
        let now = cycle.observedAt
        var writes = AlertWrites()
        for candidate in candidates {
            guard let judgement = AlertJudging.judgement(candidate.facts, now: now, thresholds: thresholds)
            else {
                continue
            }
            if let scans = judgement.scans, let saved = try AlertJudging.encodedScans(scans) {
                writes.scans.append((candidate.id, saved.lastStep, saved.state))
            }
            let job = JobKey(account: account, id: candidate.id)
            for alert in AlertJudging.alerts(
                judgement.findings, job: job, at: now, latestStep: candidate.latestStep)
            {
                writes.alerts.append(alert)
                for (position, hook) in OutboxRules.hooks(for: alert, among: cycle.hooks) {
                    writes.deliveries.append((alert.jobID, alert.kind.rawValue, hook.name, position))
                }
            }
        }
        return try await store(writes)
    }

    /// The candidates in SQLite's order: the active jobs by id, then the finished ones.
    /// A finished job whose final sync completes now is judged (its last steps) unless its
    /// only transitions are the baseline's: a request that failed then leaves its events to
    /// a later cycle, and such a job is never judged.
    func alertCandidates() async throws -> [Candidate] {
        let active = CycleRules.activeJobsCondition
        let synced = cycle.finalSyncCompleted.sorted()
        let rows = try await connection.query(
            """
            SELECT j.id, j.status, j.created_at, j.first_seen_at, w.since, w.from_step,
                (SELECT MAX(e.created_at) FROM events e WHERE e.account = j.account AND e.job_id = j.id),
                (SELECT MAX(t.observed_at) FROM transitions t
                    WHERE t.account = j.account AND t.job_id = j.id AND t.to_status = j.status),
                ARRAY(SELECT a.kind FROM alerts a WHERE a.account = j.account AND a.job_id = j.id),
                (SELECT l.state FROM loss_scans l WHERE l.account = j.account AND l.job_id = j.id),
                (SELECT MAX(s.step) FROM steps s WHERE s.account = j.account AND s.job_id = j.id)
            FROM (
                SELECT id, 0 AS part FROM jobs WHERE account = \(account) AND \(unescaped: active)
                UNION ALL
                SELECT id, 1 FROM jobs
                WHERE account = \(account) AND id = ANY(\(synced)) AND NOT (\(unescaped: active))
                    AND EXISTS (SELECT 1 FROM transitions t
                        WHERE t.account = jobs.account AND t.job_id = jobs.id AND NOT t.is_baseline)
            ) AS c
            JOIN jobs j ON j.account = \(account) AND j.id = c.id
            LEFT JOIN alert_watch w ON w.account = j.account AND w.job_id = j.id
            ORDER BY c.part, c.id \(unescaped: bytewise)
            """, logger: logger)
        var candidates: [Candidate] = []
        for try await row in rows {
            let (
                id, status, createdAt, firstSeenAt, since, fromStep, lastEventAt, statusSince, fired, scans,
                latest
            ) =
                try row.decode(
                    (
                        String, String, Int64?, Int64, Int64?, Int?, Int64?, Int64?, [String], String?, Int?
                    ).self)
            candidates.append(
                Candidate(
                    id: id,
                    facts: AlertJudging.facts(
                        status: status, createdAt: createdAt, firstSeenAt: firstSeenAt, watchedSince: since,
                        judgedFromStep: fromStep, lastEventAt: lastEventAt, statusSince: statusSince,
                        fired: fired),
                    latestStep: latest, scans: scans))
        }
        return candidates
    }

    /// For each candidate that gained steps (`AlertJudging.readsCurve`): its steps above
    /// where its stored scans stopped (when they go on), else its whole curve, and its
    /// checkpoints, in one statement. A curve comes as one row of arrays, not a row per
    /// step: a first judging reads a million steps. A loss column never holds a NaN (a
    /// non-finite loss is NULL and spelled in `non_finite`), so NaN stands for NULL in the
    /// arrays, which hold no NULL.
    func readCurves(of candidates: inout [Candidate], thresholds: AlertThresholds) async throws {
        let gained = Set(cycle.steps.map { ExactID($0.jobID) })
        var reading: [ExactID: Int] = [:]
        var jobIDs: [String] = []
        var firstSteps: [Int] = []
        var readsSteps: [Bool] = []
        for (index, candidate) in candidates.enumerated()
        where AlertJudging.readsCurve(
            candidate.facts, gainedSteps: gained.contains(ExactID(candidate.id)), thresholds: thresholds)
        {
            let scans = AlertJudging.resumedScans(
                candidate.scans.flatMap(AlertJudging.decodedScans), candidate.facts, thresholds: thresholds)
            candidates[index].facts.scans = scans
            reading[ExactID(candidate.id)] = index
            jobIDs.append(candidate.id)
            // No `step > Int.min` for the whole curve: a step of Int.min (a hostile or
            // broken server's event) is a step like any other, and the whole curve holds it.
            let after = scans?.lastStep
            firstSteps.append(after.map { $0 < .max ? $0 + 1 : $0 } ?? .min)
            readsSteps.append(after.map { $0 < .max } ?? true)
        }
        guard !reading.isEmpty else { return }
        let nan = "'NaN'::double precision"
        let rows = try await connection.query(
            """
            SELECT u.job_id, curve.steps, curve.train, curve.valid, curve.full_valid, curve.spelled,
                marks.steps, marks.names
            FROM UNNEST(\(jobIDs)::text[], \(firstSteps)::bigint[], \(readsSteps)::boolean[])
                AS u(job_id, first_step, reads)
            CROSS JOIN LATERAL (
                SELECT COALESCE(array_agg(s.step), '{}') AS steps,
                    COALESCE(array_agg(COALESCE(s.train_loss, \(unescaped: nan))), '{}') AS train,
                    COALESCE(array_agg(COALESCE(s.valid_loss, \(unescaped: nan))), '{}') AS valid,
                    COALESCE(array_agg(COALESCE(s.full_valid_loss, \(unescaped: nan))), '{}') AS full_valid,
                    COALESCE(array_agg(COALESCE(s.non_finite, '')), '{}') AS spelled
                FROM (
                    SELECT step, train_loss, valid_loss, full_valid_loss, non_finite FROM steps
                    WHERE account = \(account) AND job_id = u.job_id AND step >= u.first_step AND u.reads
                    ORDER BY step
                ) AS s
            ) AS curve
            CROSS JOIN LATERAL (
                SELECT COALESCE(array_agg(k.step_number), '{}') AS steps, COALESCE(array_agg(k.name), '{}') AS names
                FROM (
                    SELECT step_number, COALESCE(fine_tuned_model_checkpoint, id) AS name FROM checkpoints
                    WHERE account = \(account) AND job_id = u.job_id AND step_number IS NOT NULL
                    ORDER BY step_number, id \(unescaped: bytewise)
                ) AS k
            ) AS marks
            """, logger: logger)
        func value(_ number: Double) -> Double? { number.isNaN ? nil : number }
        for try await (jobID, steps, train, valid, fullValid, spelled, markSteps, names) in rows.decode(
            (String, [Int], [Double], [Double], [Double], [String], [Int], [String]).self)
        {
            guard let index = reading[ExactID(jobID)] else { continue }
            candidates[index].facts.steps = steps.indices.map { at in
                AlertJudging.step(
                    jobID: jobID, step: steps[at], trainLoss: value(train[at]), validLoss: value(valid[at]),
                    fullValidLoss: value(fullValid[at]), nonFinite: spelled[at].isEmpty ? nil : spelled[at])
            }
            candidates[index].facts.checkpoints = zip(markSteps, names).map {
                CheckpointMark(step: $0, name: $1)
            }
        }
    }

    /// Saves the scans, stores each alert once per (job, kind) and enqueues its deliveries,
    /// in one statement; returns the alerts stored.
    func store(_ writes: AlertWrites) async throws -> [JobAlert] {
        guard !writes.scans.isEmpty || !writes.alerts.isEmpty else { return [] }
        var statement = ChainedStatement()
        let account = statement.bind(self.account)
        let now = statement.bind(cycle.observedAt)
        if !writes.scans.isEmpty {
            statement.with("scans") { values in
                """
                INSERT INTO loss_scans (account, job_id, last_step, state)
                SELECT \(account), * FROM UNNEST(
                    \(values.bind(BatchArray(writes.scans.map(\.jobID))))::text[], \(values.bind(BatchArray(writes.scans.map(\.lastStep))))::bigint[],
                    \(values.bind(BatchArray(writes.scans.map(\.state))))::text[])
                ON CONFLICT (account, job_id) DO UPDATE SET last_step = EXCLUDED.last_step, state = EXCLUDED.state
                """
            }
        }
        guard !writes.alerts.isEmpty else {
            try await connection.query(statement.query(), logger: logger)
            return []
        }
        // Ids rise in the alerts' order, and seq in the deliveries': the outbox's order.
        statement.with("fired") { values in
            """
            INSERT INTO alerts (account, job_id, kind, detail, observed_at, step)
            SELECT \(account), a.job_id, a.kind, a.detail, \(now), a.step
            FROM UNNEST(
                \(values.bind(BatchArray(writes.alerts.map(\.jobID))))::text[],
                \(values.bind(BatchArray(writes.alerts.map(\.kind.rawValue))))::text[],
                \(values.bind(BatchArray(writes.alerts.map(\.detail))))::text[],
                \(values.bind(BatchArray(writes.alerts.map(\.step))))::bigint[]
            ) WITH ORDINALITY AS a(job_id, kind, detail, step, ord)
            ORDER BY a.ord
            ON CONFLICT (account, job_id, kind) DO NOTHING
            RETURNING id, job_id, kind
            """
        }
        if !writes.deliveries.isEmpty {
            statement.with("queued") { values in
                """
                INSERT INTO deliveries (id, alert_id, account, job_id, hook, position, job_json, status, attempts,
                    created_at)
                SELECT d.id, fired.id, \(account), d.job_id, d.hook, d.position, jobs.raw_json, 'pending', 0, \(now)
                FROM UNNEST(
                    \(values.bind(BatchArray(writes.deliveries.map { _ in OutboxRules.newDeliveryID() })))::text[],
                    \(values.bind(BatchArray(writes.deliveries.map(\.jobID))))::text[],
                    \(values.bind(BatchArray(writes.deliveries.map(\.kind))))::text[],
                    \(values.bind(BatchArray(writes.deliveries.map(\.hook))))::text[],
                    \(values.bind(BatchArray(writes.deliveries.map(\.position))))::bigint[]
                ) WITH ORDINALITY AS d(id, job_id, kind, hook, position, ord)
                JOIN fired ON fired.job_id = d.job_id AND fired.kind = d.kind
                JOIN jobs ON jobs.account = \(account) AND jobs.id = d.job_id
                ORDER BY d.ord
                """
            }
        }
        let rows = try await connection.query(
            statement.query { _ in "SELECT job_id, kind FROM fired" }, logger: logger)
        var stored: Set<[ExactID]> = []
        for try await (jobID, kind) in rows.decode((String, String).self) {
            stored.insert([ExactID(jobID), ExactID(kind)])
        }
        return writes.alerts.filter { stored.contains([ExactID($0.jobID), ExactID($0.kind.rawValue)]) }
    }
}

/// What one judging writes, in order.
struct AlertWrites {
    var scans: [(jobID: String, lastStep: Int, state: String)] = []
    var alerts: [JobAlert] = []
    /// One per (alert, hook): the alert by its job and kind.
    var deliveries: [(jobID: String, kind: String, hook: String, position: Int)] = []
}
