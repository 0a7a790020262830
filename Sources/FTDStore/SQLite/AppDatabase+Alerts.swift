import FTDConfig
import FTDModel
import Foundation
import GRDB

/// Alerts (SPEC section 10): judged from the database in the transaction of each cycle
/// after the baseline, stored once per (job, kind), and delivered to the hooks through
/// the same outbox as transitions.
extension AppDatabase {
    /// The statuses a job never leaves (`CycleRules.activeJobsCondition`).
    static let activeJobsCondition = CycleRules.activeJobsCondition

    /// At the baseline: the jobs still active are judged only on what happens after it.
    static func watchJobsActiveAtBaseline(account: String, at time: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO alert_watch (account, job_id, since, from_step)
                SELECT account, id, ?,
                    (SELECT MAX(step) FROM steps WHERE steps.account = jobs.account AND steps.job_id = jobs.id)
                FROM jobs WHERE account = ? AND \(activeJobsCondition)
                """, arguments: [time, account])
    }

    /// Judges the account's active jobs, and those whose final sync this cycle completed
    /// (their last steps), and stores what fires. The loss kinds are judged only for a job
    /// that gained steps in this cycle: its curve is all they depend on.
    static func judgeAlerts(_ cycle: CycleRecord, thresholds: AlertThresholds, _ db: Database) throws
        -> [JobAlert]
    {
        let account = cycle.account
        let now = cycle.observedAt
        var candidates = try String.fetchAll(
            db, sql: "SELECT id FROM jobs WHERE account = ? AND \(activeJobsCondition) ORDER BY id",
            arguments: [account])
        // A finished job whose final sync completes now, unless it had finished by the
        // baseline (its only transitions are the baseline's): a request that failed then
        // leaves its events to a later cycle, and such a job is never judged.
        for jobID in cycle.finalSyncCompleted.sorted() where !candidates.contains(jobID) {
            let seenAfterBaseline = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM transitions
                        WHERE account = ? AND job_id = ? AND NOT is_baseline)
                    """, arguments: [account, jobID])
            if seenAfterBaseline == true { candidates.append(jobID) }
        }
        guard !candidates.isEmpty else { return [] }
        let withNewSteps = Set(cycle.steps.map(\.jobID))
        var alerts: [JobAlert] = []
        for jobID in candidates {
            let job = JobKey(account: account, id: jobID)
            guard
                let facts = try alertFacts(
                    job, gainedSteps: withNewSteps.contains(jobID), thresholds: thresholds, db),
                let judgement = AlertJudging.judgement(facts, now: now, thresholds: thresholds)
            else { continue }
            if let scans = judgement.scans { try save(scans, job, db) }
            guard !judgement.findings.isEmpty else { continue }
            let latestStep = try Int.fetchOne(
                db, sql: "SELECT MAX(step) FROM steps WHERE account = ? AND job_id = ?",
                arguments: [account, jobID])
            let jobJSON =
                try String.fetchOne(
                    db, sql: "SELECT raw_json FROM jobs WHERE account = ? AND id = ?",
                    arguments: [account, jobID])
                ?? "{}"
            for alert in AlertJudging.alerts(judgement.findings, job: job, at: now, latestStep: latestStep) {
                guard let id = try insert(alert, db) else { continue }
                try enqueueDeliveries(for: alert, id: id, jobJSON: jobJSON, hooks: cycle.hooks, db)
                alerts.append(alert)
            }
        }
        return alerts
    }

    /// What the judge needs of one job; nil when the job is not stored.
    /// - Parameter thresholds: when its curve is read (`AlertJudging.readsCurve`), the
    ///   steps read are only those above where the job's stored `LossScans` stopped, if
    ///   they go on with these thresholds; else the whole curve.
    static func alertFacts(
        _ job: JobKey, gainedSteps: Bool, thresholds: AlertThresholds, _ db: Database
    ) throws -> AlertFacts? {
        let arguments: StatementArguments = [job.account, job.id]
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT jobs.status, jobs.created_at, jobs.first_seen_at, alert_watch.since, alert_watch.from_step,
                        (SELECT MAX(created_at) FROM events WHERE events.account = jobs.account AND events.job_id = jobs.id)
                            AS last_event_at,
                        (SELECT MAX(observed_at) FROM transitions
                            WHERE transitions.account = jobs.account AND transitions.job_id = jobs.id
                                AND transitions.to_status = jobs.status) AS status_since
                    FROM jobs LEFT JOIN alert_watch ON alert_watch.account = jobs.account AND alert_watch.job_id = jobs.id
                    WHERE jobs.account = ? AND jobs.id = ?
                    """, arguments: arguments)
        else { return nil }
        var facts = AlertJudging.facts(
            status: row["status"], createdAt: row["created_at"], firstSeenAt: row["first_seen_at"],
            watchedSince: row["since"], judgedFromStep: row["from_step"], lastEventAt: row["last_event_at"],
            statusSince: row["status_since"],
            fired: try String.fetchAll(
                db, sql: "SELECT kind FROM alerts WHERE account = ? AND job_id = ?", arguments: arguments))
        if AlertJudging.readsCurve(facts, gainedSteps: gainedSteps, thresholds: thresholds) {
            facts.scans = AlertJudging.resumedScans(try lossScans(job, db), facts, thresholds: thresholds)
            facts.steps = try alertSteps(job, after: facts.scans?.lastStep, db)
            facts.checkpoints = try Row.fetchAll(
                db,
                sql: """
                    SELECT step_number, COALESCE(fine_tuned_model_checkpoint, id) AS name FROM checkpoints
                    WHERE account = ? AND job_id = ? ORDER BY step_number
                    """, arguments: arguments
            ).map { CheckpointMark(step: $0["step_number"], name: $0["name"]) }
        }
        return facts
    }

    /// A job's train and validation losses, ascending, with non-finite ones restored. The
    /// validation loss is `valid_loss`, else the step's `full_valid_loss`.
    static func alertSteps(_ job: JobKey, after: Int? = nil, _ db: Database) throws -> [AlertStep] {
        // No `step > Int.min` for the whole curve: a step of Int.min (a hostile or broken
        // server's event) is a step like any other, and the whole curve holds it.
        var arguments: StatementArguments = [job.account, job.id]
        if let after { arguments += [after] }
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT step, train_loss, valid_loss, full_valid_loss, non_finite FROM steps
                WHERE account = ? AND job_id = ?\(after == nil ? "" : " AND step > ?") ORDER BY step
                """, arguments: arguments)
        var steps: [AlertStep] = []
        while let row = try rows.next() {
            steps.append(
                AlertJudging.step(
                    jobID: job.id, step: row[0], trainLoss: row[1], validLoss: row[2], fullValidLoss: row[3],
                    nonFinite: row[4]))
        }
        return steps
    }

    // MARK: Where the loss rules stopped

    /// The job's stored scans; nil when none, or when they cannot be read (then the
    /// whole curve is judged again, and they are written anew).
    static func lossScans(_ job: JobKey, _ db: Database) throws -> LossScans? {
        try String.fetchOne(
            db, sql: "SELECT state FROM loss_scans WHERE account = ? AND job_id = ?",
            arguments: [job.account, job.id]
        ).flatMap(AlertJudging.decodedScans)
    }

    static func save(_ scans: LossScans, _ job: JobKey, _ db: Database) throws {
        guard let (lastStep, state) = try AlertJudging.encodedScans(scans) else { return }
        try db.cachedStatement(
            sql: """
                INSERT INTO loss_scans (account, job_id, last_step, state) VALUES (?, ?, ?, ?)
                ON CONFLICT (account, job_id) DO UPDATE SET last_step = excluded.last_step, state = excluded.state
                """
        ).execute(arguments: [job.account, job.id, lastStep, state])
    }

    /// A step stored at or below where a job's scans stopped (a late event, another
    /// process's sync) changes a curve they already judged: they are dropped, and the next
    /// judging reads the whole curve again.
    static func forgetLossScans(below steps: [LossStep], account: String, _ db: Database) throws {
        for (jobID, step) in AlertJudging.lowestSteps(steps) {
            try db.cachedStatement(
                sql: "DELETE FROM loss_scans WHERE account = ? AND job_id = ? AND last_step >= ?"
            ).execute(arguments: [account, jobID, step])
        }
    }

    /// Stores an alert once per (job, kind); nil when that kind had already fired.
    static func insert(_ alert: JobAlert, _ db: Database) throws -> Int64? {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO alerts (account, job_id, kind, detail, observed_at, step)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                alert.account, alert.jobID, alert.kind.rawValue, alert.detail, alert.observedAt, alert.step,
            ])
        return db.changesCount > 0 ? db.lastInsertedRowID : nil
    }

    /// One pending delivery per hook whose `on` lists the alert's kind (or `alert:*`).
    static func enqueueDeliveries(
        for alert: JobAlert, id: Int64, jobJSON: String, hooks: [HookSettings], _ db: Database
    ) throws {
        for (position, hook) in OutboxRules.hooks(for: alert, among: hooks) {
            try db.execute(
                sql: """
                    INSERT INTO deliveries (id, alert_id, account, job_id, hook, position, job_json, status, attempts,
                        created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)
                    """,
                arguments: [
                    DeliveryRecord.newID(), id, alert.account, alert.jobID, hook.name, position, jobJSON,
                    alert.observedAt,
                ])
        }
    }

    /// A job's alerts, in the order they fired.
    public func alerts(job: JobKey) throws -> [JobAlert] {
        try read { db in
            try Self.alerts(db, where: "account = ? AND job_id = ?", [job.account, job.id], limit: nil)
        }
    }

    /// The newest alerts of every job (`ftd status`), newest first.
    public func recentAlerts(limit: Int) throws -> [JobAlert] {
        try read { db in try Self.alerts(db, where: nil, [], limit: limit).reversed() }
    }

    static func alerts(_ db: Database, where filter: String?, _ arguments: [String], limit: Int?) throws
        -> [JobAlert]
    {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM (
                    SELECT account, job_id, kind, detail, observed_at, step, id FROM alerts
                    \(filter.map { "WHERE \($0)" } ?? "") ORDER BY observed_at DESC, id DESC LIMIT ?
                ) ORDER BY observed_at, id
                """, arguments: StatementArguments(arguments) + [limit ?? -1])
        return rows.compactMap { row in
            StoredRows.alert(
                account: row["account"], jobID: row["job_id"], kind: row["kind"], detail: row["detail"],
                observedAt: row["observed_at"], step: row["step"])
        }
    }
}
