import FTDModel
import GRDB

/// How a cycle's events and steps become rows of `event_rows` and `step_rows` (migration
/// v12): each job's integer key, the order of its events, and which `metrics` events are
/// stored without their text because their step says it again (`MetricsEventText`).
extension AppDatabase {
    /// Stores the cycle's events and steps of the jobs `storesChildren` accepts (by job id
    /// and table), in the cycle's transaction.
    static func storeEventsAndSteps(
        of cycle: CycleRecord, storesChildren: (String, String) throws -> Bool, _ db: Database
    ) throws {
        let account = cycle.account
        // Each job's integer key (`job_keys`), and its highest step stored before this
        // cycle: a step above it is new, so no event says it yet.
        var jobKeys: [ExactID: Int64] = [:]
        var stepsBefore: [ExactID: Int?] = [:]
        let jobKey = { (jobID: String) throws -> Int64 in
            if let key = jobKeys[ExactID(jobID)] { return key }
            let key = try Self.jobKey(JobKey(account: account, id: jobID), db)
            jobKeys[ExactID(jobID)] = key
            stepsBefore[ExactID(jobID)] = try Self.lastStoredStep(JobKey(account: account, id: jobID), db)
            return key
        }
        // Sorted so that two runs of the same cycle store events in the same order.
        if !cycle.events.isEmpty {
            let insert = try RowInsert(db, sql: Self.insertEventSQL)
            defer { insert.finish() }
            let cycleSteps = Self.stepsSeenOnce(cycle.steps)
            var seq = try Self.lastEventSeq(db)
            for (jobID, batch) in cycle.events.sorted(by: { $0.key < $1.key }) {
                guard try storesChildren(jobID, "events") else { continue }
                let key = try jobKey(jobID)
                let newSteps = NewSteps(
                    jobKey: key, storedUpTo: stepsBefore[ExactID(jobID)] ?? nil, steps: cycle.steps,
                    seenOnce: cycleSteps[ExactID(jobID)] ?? [:])
                // The API sends newest first; stored oldest first, `seq` then orders events
                // that share a `created_at` second the way they happened.
                for event in batch.reversed() {
                    seq += 1
                    try Self.insert(event, jobKey: key, seq: seq, newSteps: newSteps, insert, db)
                }
            }
            try Self.saveLastEventSeq(seq, db)
        }
        // Triggers keep `step_summaries` (migrations v4, v12).
        if !cycle.steps.isEmpty {
            // The stored steps this cycle changes, as they were, so that the events they
            // say get their text first: one scan of each such job's events, not one per
            // step (20,000 changed steps took 37 s).
            var changing: [Int64: [Int: LossStep]] = [:]
            for step in cycle.steps where try storesChildren(step.jobID, "steps") {
                let key = try jobKey(step.jobID)
                guard let storedUpTo = stepsBefore[ExactID(step.jobID)] ?? nil, step.step <= storedUpTo,
                    changing[key]?[step.step] == nil
                else { continue }
                if let stored = try Self.storedStep(
                    changedBy: StepRecord(step, account: account), jobKey: key, db)
                {
                    changing[key, default: [:]][step.step] = stored
                }
            }
            for (key, steps) in changing { try Self.spellOutSaidEvents(of: steps, jobKey: key, db) }
            let merge = try RowInsert(db, sql: Self.mergeStepSQL)
            defer { merge.finish() }
            for step in cycle.steps where try storesChildren(step.jobID, "steps") {
                try Self.merge(StepRecord(step, account: account), jobKey: try jobKey(step.jobID), merge)
            }
        }
    }

    /// The columns `bindEventRow` binds, in its order.
    static let copyEventRowSQL = """
        INSERT INTO event_rows (job_key, created_at, seq, id, level, type, message, data_json, step, rendering)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// An event already stored is left as it is. Bound by hand (`RowInsert`): a cycle can
    /// store 100,000 events. Only the same event again is skipped: any other constraint
    /// fails the cycle rather than lose a row.
    static let insertEventSQL = copyEventRowSQL + " ON CONFLICT (job_key, id) DO NOTHING"

    /// Binds one row of `event_rows` and runs the insert. With `text` nil, the event is a
    /// `metrics` event whose text its stored step `saidStep` says again
    /// (`MetricsEventText`).
    static func bindEventRow(
        _ insert: RowInsert, jobKey: Int64, createdAt: Int64, seq: Int64, id: String, level: String,
        type: String?, text: (message: String, data: [UInt8]?)?, saidStep: Int?
    ) throws {
        insert.bind(jobKey, at: 1)
        insert.bind(createdAt, at: 2)
        insert.bind(seq, at: 3)
        insert.bind(id, at: 4)
        insert.bind(level, at: 5)
        insert.bind(type, at: 6)
        if let text {
            insert.bind(text.message, at: 7)
            insert.bind(utf8: text.data, at: 8)
            insert.bind(Int?.none, at: 9)
            insert.bind(Int?.none, at: 10)
        } else {
            precondition(saidStep != nil, "an event without its text names the step that says it")
            insert.bind(String?.none, at: 7)
            insert.bind(String?.none, at: 8)
            insert.bind(saidStep, at: 9)
            insert.bind(MetricsEventText.version, at: 10)
        }
        try insert.execute()
    }

    /// What an event's step needs for the event to be stored without its text: a step
    /// this cycle brings once and that is not stored yet, so that the row it becomes is
    /// the event's own figures.
    struct NewSteps {
        var jobKey: Int64
        /// The job's highest step stored before this cycle, nil when it had none.
        var storedUpTo: Int?
        /// This cycle's steps.
        var steps: [LossStep]
        /// Where in `steps` the job's step of each number is, when exactly one event
        /// brought it (-1 when more did).
        var seenOnce: [Int: Int]

        func isNew(_ step: LossStep, _ db: Database) throws -> Bool {
            guard let index = seenOnce[step.step], index >= 0, steps[index] == step else { return false }
            guard let storedUpTo, step.step <= storedUpTo else { return true }
            return try !Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM step_rows WHERE job_key = ? AND step = ?)",
                arguments: [jobKey, step.step])!
        }
    }

    /// For each job, where in `steps` each of its step numbers is, when exactly one of
    /// them has it (-1 when more do).
    static func stepsSeenOnce(_ steps: [LossStep]) -> [ExactID: [Int: Int]] {
        var seen: [ExactID: [Int: Int]] = [:]
        for (index, step) in steps.enumerated() {
            let job = ExactID(step.jobID)
            seen[job, default: [:]][step.step] = seen[job]?[step.step] == nil ? index : -1
        }
        return seen
    }

    static func insert(
        _ event: JobEvent, jobKey: Int64, seq: Int64, newSteps: NewSteps, _ insert: RowInsert, _ db: Database
    ) throws {
        let data = event.data.map(\.encodedUTF8)
        var said: Int?
        if event.type == "metrics", let data, let step = StepParser.step(from: event),
            let text = MetricsEventText.say(step), text.message.elementsEqual(event.message.utf8),
            text.data == data, try newSteps.isNew(step, db)
        {
            said = step.step
        }
        try bindEventRow(
            insert, jobKey: jobKey, createdAt: event.createdAt, seq: seq, id: event.id, level: event.level,
            type: event.type, text: said == nil ? (event.message, data) : nil, saidStep: said)
    }

    /// The last `seq` given to an event (migration v12).
    static func lastEventSeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'events_seq'") ?? 0
    }

    static func saveLastEventSeq(_ seq: Int64, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('events_seq', ?)", arguments: [String(seq)]
        )
    }

    /// The job's integer key, given at its first events or steps.
    static func jobKey(_ job: JobKey, _ db: Database) throws -> Int64 {
        if let key = try Int64.fetchOne(
            db, sql: "SELECT job_key FROM job_keys WHERE account = ? AND id = ?",
            arguments: [job.account, job.id])
        {
            return key
        }
        try db.execute(
            sql: "INSERT INTO job_keys (account, id) VALUES (?, ?)", arguments: [job.account, job.id])
        return db.lastInsertedRowID
    }

    static func lastStoredStep(_ job: JobKey, _ db: Database) throws -> Int? {
        try Int.fetchOne(
            db, sql: "SELECT last_step FROM step_summaries WHERE account = ? AND job_id = ?",
            arguments: [job.account, job.id])
    }

    /// The stored step `step` would change when merged (`mergeStepSQL`), as it is before
    /// that; nil when it is not stored or would stay the same.
    static func storedStep(changedBy step: StepRecord, jobKey: Int64, _ db: Database) throws -> LossStep? {
        guard
            let stored = try StepRecord.fetchOne(
                db, sql: "SELECT * FROM steps WHERE job_key = ? AND step = ?", arguments: [jobKey, step.step])
        else { return nil }
        var merged = stored
        merged.totalSteps = step.totalSteps ?? stored.totalSteps
        merged.trainLoss = step.trainLoss ?? stored.trainLoss
        merged.trainMeanTokenAccuracy = step.trainMeanTokenAccuracy ?? stored.trainMeanTokenAccuracy
        merged.validLoss = step.validLoss ?? stored.validLoss
        merged.validMeanTokenAccuracy = step.validMeanTokenAccuracy ?? stored.validMeanTokenAccuracy
        merged.fullValidLoss = step.fullValidLoss ?? stored.fullValidLoss
        merged.fullValidMeanTokenAccuracy =
            step.fullValidMeanTokenAccuracy ?? stored.fullValidMeanTokenAccuracy
        merged.nonFinite = step.nonFinite ?? stored.nonFinite
        return merged == stored ? nil : stored.lossStep
    }

    /// Before stored steps change, the events they say again get their text back, said
    /// from each step as it still is (`steps`, by number): afterwards it would say other
    /// figures. Rare (an event sent again with other figures), so the job's said events
    /// are scanned once.
    static func spellOutSaidEvents(of steps: [Int: LossStep], jobKey: Int64, _ db: Database) throws {
        var said: [(createdAt: Int64, seq: Int64, rendering: Int, step: LossStep)] = []
        let rows = try Row.fetchCursor(
            db,
            sql:
                "SELECT created_at, seq, rendering, step FROM event_rows WHERE job_key = ? AND rendering IS NOT NULL",
            arguments: [jobKey])
        while let row = try rows.next() {
            if let step = steps[row[3]] { said.append((row[0], row[1], row[2], step)) }
        }
        let update = try db.makeStatement(
            sql: """
                UPDATE event_rows SET message = ?, data_json = ?, step = NULL, rendering = NULL
                WHERE job_key = ? AND created_at = ? AND seq = ?
                """)
        for event in said {
            guard let text = MetricsEventText.say(event.step, version: event.rendering) else {
                throw DatabaseError(
                    resultCode: .SQLITE_CORRUPT,
                    message: "step \(event.step.step) of job \(event.step.jobID) cannot say its events' text")
            }
            try update.execute(arguments: [
                String(decoding: text.message, as: UTF8.self), String(decoding: text.data, as: UTF8.self),
                jobKey, event.createdAt, event.seq,
            ])
        }
    }

    /// A step seen again keeps what it knew: only non-null new values replace old ones.
    static let mergeStepSQL = """
        INSERT INTO step_rows (job_key, step, total_steps, train_loss, train_mean_token_accuracy,
            valid_loss, valid_mean_token_accuracy, full_valid_loss, full_valid_mean_token_accuracy,
            non_finite)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (job_key, step) DO UPDATE SET
            total_steps = COALESCE(excluded.total_steps, total_steps),
            train_loss = COALESCE(excluded.train_loss, train_loss),
            train_mean_token_accuracy = COALESCE(excluded.train_mean_token_accuracy, train_mean_token_accuracy),
            valid_loss = COALESCE(excluded.valid_loss, valid_loss),
            valid_mean_token_accuracy = COALESCE(excluded.valid_mean_token_accuracy, valid_mean_token_accuracy),
            full_valid_loss = COALESCE(excluded.full_valid_loss, full_valid_loss),
            full_valid_mean_token_accuracy = COALESCE(excluded.full_valid_mean_token_accuracy, full_valid_mean_token_accuracy),
            non_finite = COALESCE(excluded.non_finite, non_finite)
        """

    static func merge(_ step: StepRecord, jobKey: Int64, _ merge: RowInsert) throws {
        merge.bind(jobKey, at: 1)
        merge.bind(step.step, at: 2)
        merge.bind(step.totalSteps, at: 3)
        merge.bind(step.trainLoss, at: 4)
        merge.bind(step.trainMeanTokenAccuracy, at: 5)
        merge.bind(step.validLoss, at: 6)
        merge.bind(step.validMeanTokenAccuracy, at: 7)
        merge.bind(step.fullValidLoss, at: 8)
        merge.bind(step.fullValidMeanTokenAccuracy, at: 9)
        merge.bind(step.nonFinite, at: 10)
        try merge.execute()
    }
}

/// A job id compared by its bytes, as SQLite (and PostgreSQL) compares it. Swift's `==`
/// calls two ids equal when they are canonically equivalent (`é` and `e` with U+0301): to
/// the database they are two jobs, and a cache keyed by `String` gave the second the first
/// one's key.
package struct ExactID: Hashable, Sendable {
    package var id: String
    package init(_ id: String) { self.id = id }
    package static func == (a: Self, b: Self) -> Bool { a.id.utf8.elementsEqual(b.id.utf8) }
    package func hash(into hasher: inout Hasher) {
        for byte in id.utf8 { hasher.combine(byte) }
    }
}
