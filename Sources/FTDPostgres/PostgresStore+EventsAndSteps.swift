import FTDModel
import FTDStore
import PostgresNIO

/// A cycle's events, steps and checkpoints in batched statements: a steady cycle's are one
/// statement, a first sync's million events a hundred. Unlike SQLite's compact layout,
/// every event is stored with its text, and `step_summaries` is kept here rather than by
/// triggers.
extension CycleWriter {
    /// Stores the events, steps and checkpoints of the stored jobs: the n-th batch of each
    /// kind goes in the n-th statement (they touch different tables).
    mutating func storeEventsStepsAndCheckpoints() async throws {
        let events = eventBatches()
        let steps = stepRows().chunked(PostgresStore.rowsPerStatement)
        let checkpoints = cycle.checkpoints.filter { storesChildren(of: $0.jobID, table: "checkpoints") }
            .map { CheckpointRecord($0, account: account) }.chunked(PostgresStore.rowsPerStatement)
        for index in 0..<max(events.count, steps.count, checkpoints.count) {
            var statement = ChainedStatement()
            let account = statement.bind(self.account)
            if index < events.count {
                statement.with("stored_events") { Self.insertEvents(events[index], account: account, &$0) }
            }
            if index < checkpoints.count {
                statement.with("stored_checkpoints") {
                    Self.insertCheckpoints(checkpoints[index], account: account, &$0)
                }
            }
            let query =
                index < steps.count
                ? Self.mergeSteps(steps[index], account: account, into: &statement) : statement.query()
            try await connection.query(query, logger: logger)
        }
    }

    /// The events of the jobs that are stored, in batches of at most `rowsPerStatement`
    /// events or about `bytesPerStatement` of text, each once (its id is the key):
    /// the API's batches come newest first and are stored oldest first, so that `seq`
    /// orders the events of one `created_at` second the way they happened. Sorted by job
    /// so that two runs of the same cycle store events in the same order.
    mutating func eventBatches() -> [EventBatch] {
        EventBatch.batches(
            cycle.events.sorted(by: { $0.key < $1.key }).filter {
                storesChildren(of: $0.key, table: "events")
            })
    }

    /// `seq` is taken row by row in the arrays' order (`UNNEST` keeps it). An event already
    /// stored is left as it is; any other constraint fails the cycle rather than lose a row.
    static func insertEvents(_ batch: EventBatch, account: String, _ values: inout BoundValues) -> String {
        """
        INSERT INTO events (account, job_id, id, created_at, level, type, message, data_json)
        SELECT \(account), * FROM UNNEST(
            \(values.bind(BatchArray(batch.jobIDs)))::text[], \(values.bind(BatchArray(batch.ids)))::text[],
            \(values.bind(BatchArray(batch.times)))::bigint[], \(values.bind(BatchArray(batch.levels)))::text[],
            \(values.bind(BatchArray(batch.types)))::text[], \(values.bind(BatchArray(batch.messages)))::text[],
            \(values.bind(BatchArray(batch.data)))::text[])
        ON CONFLICT (account, job_id, id) DO NOTHING
        """
    }

    /// The steps of the stored jobs, one row per (job, step). One statement cannot change
    /// a row twice: a step the cycle brings twice (a metrics event and its message) is
    /// merged here as two upserts would merge it.
    mutating func stepRows() -> [StepRow] {
        var rows: [StepRow] = []
        var index: [ExactID: [Int: Int]] = [:]
        for step in cycle.steps where storesChildren(of: step.jobID, table: "steps") {
            let row = StepRow(step)
            let job = ExactID(step.jobID)
            if let at = index[job]?[step.step] {
                rows[at].merge(row)
            } else {
                index[job, default: [:]][step.step] = rows.count
                rows.append(row)
            }
        }
        return rows
    }

    /// Ends `statement` with the merge of `rows`: a step seen again keeps what it knew, and
    /// only non-null new values replace old ones. A loss the API sent as `nan` or `inf` is
    /// NULL in its column and spelled in `non_finite` (`NonFiniteLosses`), as in SQLite.
    ///
    /// In the same statement: `step_summaries` (how many steps, the last one and its train
    /// loss, what SQLite's triggers keep), and the loss scans a step at or below their end
    /// makes stale (`AlertJudging.lowestSteps`).
    static func mergeSteps(
        _ rows: ArraySlice<StepRow>, account: String, into statement: inout ChainedStatement
    )
        -> PostgresQuery
    {
        let jobIDs = statement.bind(BatchArray(rows.map(\.jobID)))
        let steps = statement.bind(BatchArray(rows.map(\.step)))
        statement.with("merged") { values in
            func losses(_ column: KeyPath<StepRow, Double?>) -> String {
                values.bind(BatchArray(rows.map { $0[keyPath: column] })) + "::double precision[]"
            }
            return """
                INSERT INTO steps (account, job_id, step, total_steps, train_loss, train_mean_token_accuracy,
                    valid_loss, valid_mean_token_accuracy, full_valid_loss, full_valid_mean_token_accuracy,
                    non_finite)
                SELECT \(account), * FROM UNNEST(
                    \(jobIDs)::text[], \(steps)::bigint[],
                    \(values.bind(BatchArray(rows.map(\.totalSteps))))::bigint[],
                    \(losses(\.trainLoss)), \(losses(\.trainMeanTokenAccuracy)), \(losses(\.validLoss)),
                    \(losses(\.validMeanTokenAccuracy)), \(losses(\.fullValidLoss)),
                    \(losses(\.fullValidMeanTokenAccuracy)),
                    \(values.bind(BatchArray(rows.map(\.nonFinite))))::text[])
                ON CONFLICT (account, job_id, step) DO UPDATE SET
                    total_steps = COALESCE(EXCLUDED.total_steps, steps.total_steps),
                    train_loss = COALESCE(EXCLUDED.train_loss, steps.train_loss),
                    train_mean_token_accuracy =
                        COALESCE(EXCLUDED.train_mean_token_accuracy, steps.train_mean_token_accuracy),
                    valid_loss = COALESCE(EXCLUDED.valid_loss, steps.valid_loss),
                    valid_mean_token_accuracy =
                        COALESCE(EXCLUDED.valid_mean_token_accuracy, steps.valid_mean_token_accuracy),
                    full_valid_loss = COALESCE(EXCLUDED.full_valid_loss, steps.full_valid_loss),
                    full_valid_mean_token_accuracy =
                        COALESCE(EXCLUDED.full_valid_mean_token_accuracy, steps.full_valid_mean_token_accuracy),
                    non_finite = COALESCE(EXCLUDED.non_finite, steps.non_finite)
                RETURNING job_id, step, train_loss, xmax = 0 AS inserted
                """
        }
        // Each job's highest step this statement wrote, as merged, and how many rows it added.
        statement.with("tops") { _ in
            "SELECT DISTINCT ON (job_id) job_id, step, train_loss FROM merged ORDER BY job_id, step DESC"
        }
        statement.with("added") { _ in
            "SELECT job_id, COUNT(*) FILTER (WHERE inserted) AS count FROM merged GROUP BY job_id"
        }
        // The last step's loss changes when that step is written again or a higher one comes.
        statement.with("summed") { _ in
            """
            INSERT INTO step_summaries (account, job_id, step_count, last_step, last_train_loss)
            SELECT \(account), tops.job_id, added.count, tops.step, tops.train_loss
            FROM tops JOIN added ON added.job_id = tops.job_id
            ON CONFLICT (account, job_id) DO UPDATE SET
                step_count = step_summaries.step_count + EXCLUDED.step_count,
                last_train_loss = CASE WHEN EXCLUDED.last_step >= step_summaries.last_step
                    THEN EXCLUDED.last_train_loss ELSE step_summaries.last_train_loss END,
                last_step = GREATEST(step_summaries.last_step, EXCLUDED.last_step)
            """
        }
        return statement.query { _ in
            """
            DELETE FROM loss_scans USING (
                SELECT job_id, MIN(step) AS lowest FROM UNNEST(\(jobIDs)::text[], \(steps)::bigint[]) AS u(job_id, step)
                GROUP BY job_id
            ) AS changed
            WHERE loss_scans.account = \(account) AND loss_scans.job_id = changed.job_id
                AND loss_scans.last_step >= changed.lowest
            """
        }
    }

    /// The checkpoints of the stored jobs, each once.
    static func insertCheckpoints(
        _ batch: ArraySlice<CheckpointRecord>, account: String, _ values: inout BoundValues
    ) -> String {
        """
        INSERT INTO checkpoints (account, id, job_id, created_at, step_number, fine_tuned_model_checkpoint,
            metrics_json)
        SELECT \(account), * FROM UNNEST(
            \(values.bind(BatchArray(batch.map(\.id))))::text[], \(values.bind(BatchArray(batch.map(\.jobID))))::text[],
            \(values.bind(BatchArray(batch.map(\.createdAt))))::bigint[],
            \(values.bind(BatchArray(batch.map(\.stepNumber))))::bigint[],
            \(values.bind(BatchArray(batch.map(\.fineTunedModelCheckpoint))))::text[],
            \(values.bind(BatchArray(batch.map(\.metricsJSON))))::text[])
        ON CONFLICT (account, id) DO NOTHING
        """
    }
}

/// A batch of event rows, column by column, as `UNNEST` reads them.
struct EventBatch {
    var jobIDs: [String] = []
    var ids: [String] = []
    var times: [Int64] = []
    var levels: [String] = []
    var types: [String?] = []
    var messages: [String] = []
    var data: [String?] = []

    var count: Int { ids.count }

    /// Each job's events (newest first, as the API sends them) oldest first, cut into
    /// batches of at most `rows` events, or once a batch's text reaches `bytes`.
    static func batches(
        _ events: [(key: String, value: [JobEvent])], rows: Int = PostgresStore.rowsPerStatement,
        bytes: Int = PostgresStore.bytesPerStatement
    ) -> [EventBatch] {
        var batches: [EventBatch] = []
        var batch = EventBatch()
        for (jobID, events) in events {
            for event in events.reversed() {
                batch.append(event, jobID: jobID)
                if batch.count >= rows || batch.bytes >= bytes {
                    batches.append(batch)
                    batch = EventBatch()
                }
            }
        }
        if batch.count > 0 { batches.append(batch) }
        return batches
    }

    /// The text the batch binds, in UTF-8 bytes (`PostgresStore.bytesPerStatement`).
    private(set) var bytes = 0

    mutating func append(_ event: JobEvent, jobID: String) {
        let text = event.data?.encodedString
        bytes +=
            jobID.utf8.count + event.id.utf8.count + event.level.utf8.count + (event.type?.utf8.count ?? 0)
            + event.message.utf8.count + (text?.utf8.count ?? 0)
        jobIDs.append(jobID)
        ids.append(event.id)
        times.append(event.createdAt)
        levels.append(event.level)
        types.append(event.type)
        messages.append(event.message)
        data.append(text)
    }
}

/// A step as its row holds it: non-finite losses NULL in their columns and spelled in
/// `nonFinite`.
struct StepRow {
    var jobID: String
    var step: Int
    var totalSteps: Int?
    var trainLoss: Double?
    var trainMeanTokenAccuracy: Double?
    var validLoss: Double?
    var validMeanTokenAccuracy: Double?
    var fullValidLoss: Double?
    var fullValidMeanTokenAccuracy: Double?
    var nonFinite: String?

    init(_ step: LossStep) {
        let finite = NonFiniteLosses.finite(step)
        jobID = step.jobID
        self.step = step.step
        totalSteps = finite.totalSteps
        trainLoss = finite.trainLoss
        trainMeanTokenAccuracy = finite.trainMeanTokenAccuracy
        validLoss = finite.validLoss
        validMeanTokenAccuracy = finite.validMeanTokenAccuracy
        fullValidLoss = finite.fullValidLoss
        fullValidMeanTokenAccuracy = finite.fullValidMeanTokenAccuracy
        nonFinite = NonFiniteLosses.encoded(step)
    }

    /// `later` written over this row as the upsert writes it: its non-null values win.
    mutating func merge(_ later: StepRow) {
        totalSteps = later.totalSteps ?? totalSteps
        trainLoss = later.trainLoss ?? trainLoss
        trainMeanTokenAccuracy = later.trainMeanTokenAccuracy ?? trainMeanTokenAccuracy
        validLoss = later.validLoss ?? validLoss
        validMeanTokenAccuracy = later.validMeanTokenAccuracy ?? validMeanTokenAccuracy
        fullValidLoss = later.fullValidLoss ?? fullValidLoss
        fullValidMeanTokenAccuracy = later.fullValidMeanTokenAccuracy ?? fullValidMeanTokenAccuracy
        nonFinite = later.nonFinite ?? nonFinite
    }
}
