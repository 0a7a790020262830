import FTDModel
import GRDB

extension AppDatabase {
    public func baselineCompleted(account: String) throws -> Bool {
        try read { db in try Self.baselineTime(db, account: account) != nil }
    }

    public func knownJobs(account: String, ids: [String]) throws -> [String: KnownJob] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var known: [String: KnownJob] = [:]
            for batch in Self.variableBatches(Array(Set(ids))) {
                let records = try JobRecord.fetchAll(
                    db,
                    sql:
                        "SELECT * FROM jobs WHERE account = ? AND id IN (\(databaseQuestionMarks(count: batch.count)))",
                    arguments: StatementArguments([account] + batch))
                for record in records { known[record.id] = record.knownJob }
            }
            return known
        }
    }

    public func jobsNeedingSync(account: String) throws -> [KnownJob] {
        try read { db in
            let terminal = JobStatus.terminal.sorted()
            return try JobRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM jobs
                    WHERE account = ?
                        AND (final_sync_done = 0 OR status NOT IN (\(databaseQuestionMarks(count: terminal.count))))
                    ORDER BY created_at DESC, id DESC
                    """, arguments: StatementArguments([account] + terminal)
            ).map(\.knownJob)
        }
    }

    public func hasStoredEvents(job: JobKey) throws -> Bool {
        try read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM events WHERE job_id = ? AND account = ?)",
                arguments: [job.id, job.account]) ?? false
        }
    }

    public func storedEventIDs(job: JobKey, among eventIDs: [String]) throws -> Set<String> {
        guard !eventIDs.isEmpty else { return [] }
        return try read { db in
            var stored: Set<String> = []
            for batch in Self.variableBatches(eventIDs) {
                let ids = try String.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM events
                        WHERE account = ? AND job_id = ? AND id IN (\(databaseQuestionMarks(count: batch.count)))
                        """, arguments: StatementArguments([job.account, job.id] + batch))
                stored.formUnion(ids)
            }
            return stored
        }
    }

    /// The most values one statement binds, with room for a few more. SQLite refuses more
    /// than its build allows (32,766 in a stock build, 999 before 3.32): an events page of
    /// 250,000 ids once made every cycle fail with "too many SQL variables".
    static let maxVariablesPerStatement = 900

    static func variableBatches(_ values: [String]) -> [ArraySlice<String>] {
        stride(from: 0, to: values.count, by: maxVariablesPerStatement).map {
            values[$0..<min($0 + maxVariablesPerStatement, values.count)]
        }
    }

    /// `meta` key of a job's event resume cursor (`CycleRules.eventResumeKey`).
    static func eventResumeKey(_ job: JobKey) -> String { CycleRules.eventResumeKey(job) }

    public func eventResumeCursor(job: JobKey) throws -> String? {
        try read { db in
            try String.fetchOne(
                db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [Self.eventResumeKey(job)])
        }
    }

    /// The transitions `recordCycle` recorded.
    public func record(cycle: CycleRecord, rule: TransitionRule) throws -> [Transition] {
        try recordCycle(cycle, rule: rule).transitions
    }

    public func recordCycle(_ cycle: CycleRecord, rule: TransitionRule) throws -> RecordedCycle {
        try write { db in
            let account = cycle.account
            let isBaseline = try Self.baselineTime(db, account: account) == nil
            var transitions: [Transition] = []
            for job in cycle.jobs {
                if let written = try upsert(
                    job, account: account, observed: cycle.observed, isBaseline: isBaseline, rule: rule, db)
                {
                    var record = TransitionRecord(written.transition)
                    try record.insert(db)
                    // The job's JSON as just stored, encoded once for both.
                    try Self.enqueueDeliveries(for: record, jobJSON: written.jobJSON, hooks: cycle.hooks, db)
                    transitions.append(written.transition)
                }
            }
            // Whether each job is stored, asked once per job rather than once per row.
            var storedJobs = Set(cycle.jobs.map { ExactID($0.id) })
            let storesChildren = { (jobID: String, kind: String) throws -> Bool in
                if storedJobs.contains(ExactID(jobID)) { return true }
                guard try self.storesChildren(of: JobKey(account: account, id: jobID), kind: kind, db) else {
                    return false
                }
                storedJobs.insert(ExactID(jobID))
                return true
            }
            try Self.storeEventsAndSteps(of: cycle, storesChildren: storesChildren, db)
            try Self.forgetLossScans(below: cycle.steps, account: account, db)
            for checkpoint in cycle.checkpoints
            where try storesChildren(checkpoint.jobID, "checkpoints") {
                try CheckpointRecord(checkpoint, account: account).insert(db, onConflict: .ignore)
            }
            for (jobID, cursor) in cycle.eventResumeCursors.sorted(by: { $0.key < $1.key })
            where try storesChildren(jobID, "events") {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    arguments: [Self.eventResumeKey(JobKey(account: account, id: jobID)), cursor])
            }
            for jobID in cycle.eventResumeCleared.sorted() {
                try db.execute(
                    sql: "DELETE FROM meta WHERE key = ?",
                    arguments: [Self.eventResumeKey(JobKey(account: account, id: jobID))])
            }
            for jobID in cycle.finalSyncCompleted.sorted() {
                try db.cachedStatement(
                    sql: "UPDATE jobs SET final_sync_done = 1 WHERE account = ? AND id = ?"
                )
                .execute(arguments: [account, jobID])
            }
            var alerts: [JobAlert] = []
            if isBaseline, cycle.completesBaseline {
                try db.execute(
                    sql: """
                        INSERT INTO accounts (name, baseline_completed_at) VALUES (?, ?)
                        ON CONFLICT (name) DO UPDATE SET baseline_completed_at = excluded.baseline_completed_at
                        """,
                    arguments: [account, cycle.observedAt])
                try Self.watchJobsActiveAtBaseline(account: account, at: cycle.observedAt, db)
            } else if !isBaseline, let thresholds = cycle.alerts, !thresholds.allOff {
                alerts = try Self.judgeAlerts(cycle, thresholds: thresholds, db)
            }
            return RecordedCycle(transitions: transitions, alerts: alerts)
        }
    }

    private func upsert(
        _ job: FineTuningJob, account: String, observed: ObservedInstant, isBaseline: Bool,
        rule: TransitionRule, _ db: Database
    ) throws -> (transition: Transition, jobJSON: String)? {
        let stored = try JobRecord.fetchOne(db, key: ["account": account, "id": job.id])
        guard
            let written = CycleRules.write(
                job, account: account, observed: observed, stored: stored?.state, isBaseline: isBaseline,
                rule: rule)
        else { return nil }
        try written.record.save(db)
        return written.transition.map { (transition: $0, jobJSON: written.record.rawJSON) }
    }

    /// Rows about a job the store never saw would be orphans; the poller always records
    /// the job with them, so this only guards against a caller's mistake.
    private func storesChildren(of job: JobKey, kind: String, _ db: Database) throws -> Bool {
        if try JobRecord.exists(db, key: ["account": job.account, "id": job.id]) { return true }
        logger.warning(
            "ignoring rows of a job that is not stored",
            metadata: ["account": "\(job.account)", "job.id": "\(job.id)", "store.table": "\(kind)"])
        return false
    }

    static func baselineTime(_ db: Database, account: String) throws -> Int64? {
        try Int64.fetchOne(
            db, sql: "SELECT baseline_completed_at FROM accounts WHERE name = ?", arguments: [account])
    }
}

extension JobRecord {
    var knownJob: KnownJob { KnownJob(id: id, status: status, finalSyncDone: finalSyncDone) }
}
