import FTDModel
import FTDStore
import Logging
import PostgresNIO

/// The store as the poll cycle sees it: what it asks before a cycle, one statement each,
/// and the cycle's one transaction (`CycleWriter`).
extension PostgresStore: PollStore {
    public func baselineCompleted(account: String) async throws -> Bool {
        try await withRows("SELECT baseline_completed_at FROM accounts WHERE name = \(account)") { rows in
            for try await time in rows.decode(Int64?.self) { return time != nil }
            return false
        }
    }

    public func knownJobs(account: String, ids: [String]) async throws -> [String: KnownJob] {
        guard !ids.isEmpty else { return [:] }
        return try await withRows(
            "SELECT id, status, final_sync_done FROM jobs WHERE account = \(account) AND id = ANY(\(ids))"
        ) { rows in
            var known: [String: KnownJob] = [:]
            for try await (id, status, done) in rows.decode((String, String, Bool).self) {
                known[id] = KnownJob(id: id, status: status, finalSyncDone: done)
            }
            return known
        }
    }

    public func jobsNeedingSync(account: String) async throws -> [KnownJob] {
        try await withRows(
            """
            SELECT id, status, final_sync_done FROM jobs
            WHERE account = \(account) AND (NOT final_sync_done OR \(unescaped: CycleRules.activeJobsCondition))
            ORDER BY created_at DESC NULLS LAST, id \(unescaped: bytewise) DESC
            """
        ) { rows in
            var jobs: [KnownJob] = []
            for try await (id, status, done) in rows.decode((String, String, Bool).self) {
                jobs.append(KnownJob(id: id, status: status, finalSyncDone: done))
            }
            return jobs
        }
    }

    public func hasStoredEvents(job: JobKey) async throws -> Bool {
        try await withRows(
            "SELECT EXISTS (SELECT 1 FROM events WHERE account = \(job.account) AND job_id = \(job.id))"
        ) { rows in
            for try await stored in rows.decode(Bool.self) { return stored }
            return false
        }
    }

    public func storedEventIDs(job: JobKey, among eventIDs: [String]) async throws -> Set<String> {
        guard !eventIDs.isEmpty else { return [] }
        // One array, whatever its length: an events page of 250,000 ids is one value.
        return try await withRows(
            """
            SELECT id FROM events WHERE account = \(job.account) AND job_id = \(job.id) AND id = ANY(\(eventIDs))
            """
        ) { rows in
            var stored: Set<String> = []
            for try await id in rows.decode(String.self) { stored.insert(id) }
            return stored
        }
    }

    public func eventResumeCursor(job: JobKey) async throws -> String? {
        try await withRows("SELECT value FROM meta WHERE key = \(CycleRules.eventResumeKey(job))") { rows in
            for try await value in rows.decode(String.self) { return value }
            return nil
        }
    }

    /// One fenced transaction (a leader that lost its lease writes nothing), holding the
    /// account's cycle lock (`CycleWriter.lock`).
    public func recordCycle(_ cycle: CycleRecord, rule: @escaping TransitionRule) async throws
        -> RecordedCycle
    {
        try await fencedTransaction { connection in
            var writer = CycleWriter(cycle: cycle, connection: connection, logger: logger)
            return try await writer.record(rule: rule)
        }
    }
}

/// One cycle's transaction (SPEC section 3, step 6), as `AppDatabase.recordCycle` writes it
/// in SQLite, in a few batched statements: the jobs with their transitions and deliveries;
/// the events, the steps with their summaries and the checkpoints; the cursors and final
/// syncs, with the baseline when it is one; then the alerts.
struct CycleWriter {
    let cycle: CycleRecord
    let connection: PostgresConnection
    let logger: Logger
    var account: String { cycle.account }
    /// The jobs of the account stored once the cycle's jobs are written: only their
    /// events, steps and checkpoints are kept.
    var storedJobs: Set<ExactID> = []
    /// Jobs whose rows of a table were refused already, to warn once per job and table.
    var refused: Set<String> = []

    init(cycle: CycleRecord, connection: PostgresConnection, logger: Logger) {
        self.cycle = cycle
        self.connection = connection
        self.logger = logger
    }

    mutating func record(rule: TransitionRule) async throws -> RecordedCycle {
        try await lock()
        let (baseline, stored) = try await storedState()
        let isBaseline = baseline == nil
        let transitions = try await writeJobs(stored: stored, isBaseline: isBaseline, rule: rule)
        try await storeEventsStepsAndCheckpoints()
        let completesBaseline = isBaseline && cycle.completesBaseline
        try await storeCursorsAndFinalSync(completingBaseline: completesBaseline)
        var alerts: [JobAlert] = []
        if !isBaseline, let thresholds = cycle.alerts, !thresholds.allOff {
            alerts = try await judgeAlerts(thresholds: thresholds)
        }
        return RecordedCycle(transitions: transitions, alerts: alerts)
    }

    /// Cycles of one account are written one at a time, as SQLite's one writer writes
    /// them: each judges its jobs against rows that no other cycle can change before it
    /// commits, so two writers (a leader's cycle, a command's sync on another machine)
    /// never record the same transition twice. Taken before anything is read: a statement
    /// reads what was committed when it began.
    func lock() async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.ftd.cycle.' || \(account)))",
            logger: logger)
    }

    /// The account's baseline time, and the stored state of every job the cycle names
    /// (its jobs, and those its events, steps, checkpoints and cursors belong to).
    func storedState() async throws -> (baseline: Int64?, jobs: [ExactID: StoredJobState]) {
        var named = Set(cycle.jobs.map { ExactID($0.id) })
        named.formUnion(cycle.events.keys.map(ExactID.init))
        named.formUnion(cycle.steps.map { ExactID($0.jobID) })
        named.formUnion(cycle.checkpoints.map { ExactID($0.jobID) })
        named.formUnion(cycle.eventResumeCursors.keys.map(ExactID.init))
        let ids = named.map(\.id)
        let rows = try await connection.query(
            """
            SELECT (SELECT baseline_completed_at FROM accounts WHERE name = \(account)),
                j.id, j.status, j.updated_at, j.observed_ns, j.first_seen_at, j.final_sync_done
            FROM (SELECT 1) AS one
            LEFT JOIN jobs j ON j.account = \(account) AND j.id = ANY(\(ids))
            """, logger: logger)
        var baseline: Int64?
        var jobs: [ExactID: StoredJobState] = [:]
        for try await (time, id, status, updatedAt, observedNanoseconds, firstSeenAt, done) in rows.decode(
            (Int64?, String?, String?, Int64?, Int64?, Int64?, Bool?).self)
        {
            baseline = time
            guard let id, let status, let updatedAt, let firstSeenAt, let done else { continue }
            jobs[ExactID(id)] = StoredJobState(
                status: status, updatedAt: updatedAt, observedNanoseconds: observedNanoseconds,
                firstSeenAt: firstSeenAt, finalSyncDone: done)
        }
        return (baseline, jobs)
    }

    /// Whether rows of `jobID` in `table` are kept: rows about a job the store never saw
    /// would be orphans. The poller always records the job with them, so this only guards
    /// against a caller's mistake.
    mutating func storesChildren(of jobID: String, table: String) -> Bool {
        if storedJobs.contains(ExactID(jobID)) { return true }
        if refused.insert("\(table)\u{0}\(jobID)").inserted {
            logger.warning(
                "ignoring rows of a job that is not stored",
                metadata: ["account": "\(account)", "job.id": "\(jobID)", "store.table": "\(table)"])
        }
        return false
    }
}

extension CycleWriter {
    /// The event cursors set and cleared, the final syncs completed and, for the baseline,
    /// the account's baseline and the jobs it finds active (`alert_watch`: judged only on
    /// what happens after it): one statement, none when there is nothing to write.
    mutating func storeCursorsAndFinalSync(completingBaseline: Bool) async throws {
        var statement = ChainedStatement()
        let account = statement.bind(self.account)
        let cleared = Set(cycle.eventResumeCleared.map(ExactID.init))
        var keys: [String] = []
        var cursors: [String] = []
        for (jobID, cursor) in cycle.eventResumeCursors.sorted(by: { $0.key < $1.key })
        where storesChildren(of: jobID, table: "events") && !cleared.contains(ExactID(jobID)) {
            keys.append(CycleRules.eventResumeKey(JobKey(account: self.account, id: jobID)))
            cursors.append(cursor)
        }
        if !keys.isEmpty {
            statement.with("cursors") { values in
                """
                INSERT INTO meta (key, value)
                SELECT * FROM UNNEST(\(values.bind(BatchArray(keys)))::text[], \(values.bind(BatchArray(cursors)))::text[])
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                """
            }
        }
        if !cleared.isEmpty {
            let keys = cleared.map { CycleRules.eventResumeKey(JobKey(account: self.account, id: $0.id)) }
            statement.with("cleared") {
                "DELETE FROM meta WHERE key = ANY(\($0.bind(BatchArray(keys)))::text[])"
            }
        }
        if !cycle.finalSyncCompleted.isEmpty {
            let synced = cycle.finalSyncCompleted.sorted()
            statement.with("synced") { values in
                "UPDATE jobs SET final_sync_done = TRUE WHERE account = \(account) AND id = ANY(\(values.bind(BatchArray(synced)))::text[])"
            }
        }
        if completingBaseline {
            let time = statement.bind(cycle.observedAt)
            statement.with("baseline") { _ in
                """
                INSERT INTO accounts (name, baseline_completed_at) VALUES (\(account), \(time))
                ON CONFLICT (name) DO UPDATE SET baseline_completed_at = EXCLUDED.baseline_completed_at
                """
            }
            statement.with("watched") { _ in
                """
                INSERT INTO alert_watch (account, job_id, since, from_step)
                SELECT account, id, \(time),
                    (SELECT MAX(step) FROM steps WHERE steps.account = jobs.account AND steps.job_id = jobs.id)
                FROM jobs WHERE account = \(account) AND \(CycleRules.activeJobsCondition)
                ON CONFLICT (account, job_id) DO NOTHING
                """
            }
        }
        guard !statement.isEmpty else { return }
        try await connection.query(statement.query(), logger: logger)
    }
}
