import FTDModel
import FTDStore
import PostgresNIO

/// A cycle's jobs, their transitions and the transitions' deliveries: one statement per
/// batch of rows, the transitions' ids rising in their order.
extension CycleWriter {
    /// Applies `rule` to each look in the cycle's order (a job seen twice is judged the
    /// second time against the first look's row, as SQLite writes them one by one), then
    /// writes the rows, the transitions and their deliveries in one statement per batch.
    /// Returns the transitions, in order.
    mutating func writeJobs(stored: [ExactID: StoredJobState], isBaseline: Bool, rule: TransitionRule)
        async throws -> [Transition]
    {
        var state = stored
        var records: [ExactID: JobRecord] = [:]
        var order: [ExactID] = []
        var transitions: [(transition: Transition, jobJSON: String)] = []
        for job in cycle.jobs {
            let key = ExactID(job.id)
            guard
                let written = CycleRules.write(
                    job, account: account, observed: cycle.observed, stored: state[key],
                    isBaseline: isBaseline,
                    rule: rule)
            else { continue }
            if records.updateValue(written.record, forKey: key) == nil { order.append(key) }
            state[key] = written.record.state
            if let transition = written.transition {
                transitions.append((transition, written.record.rawJSON))
            }
        }
        storedJobs = Set(state.keys)

        // Every batch of rows before the transitions that name them; in a steady cycle,
        // all of it is one statement.
        var statements: [(statement: ChainedStatement, deliveries: DeliveryRows?)] = []
        for batch in order.compactMap({ records[$0] }).chunked(PostgresStore.rowsPerStatement) {
            var statement = ChainedStatement()
            statement.with("upserted") { Self.upsertSQL(batch, account: account, &$0) }
            statements.append((statement, nil))
        }
        for (index, batch) in transitions.chunked(PostgresStore.rowsPerStatement).enumerated() {
            var statement =
                index == 0 ? statements.popLast()?.statement ?? ChainedStatement() : ChainedStatement()
            statement.with("moved") { Self.transitionsSQL(batch.map(\.transition), account: account, &$0) }
            statements.append((statement, deliveries(of: batch)))
        }
        for (var statement, deliveries) in statements {
            let query = deliveries.map { rows in
                statement.query { Self.deliveriesSQL(rows, account: account, &$0) }
            }
            try await connection.query(query ?? statement.query(), logger: logger)
        }
        return transitions.map(\.transition)
    }

    /// Inserts or replaces the rows (`CycleRules.write` decided every column).
    static func upsertSQL(_ rows: ArraySlice<JobRecord>, account: String, _ values: inout BoundValues)
        -> String
    {
        """
        INSERT INTO jobs (account, id, status, model, fine_tuned_model, created_at, finished_at, trained_tokens,
            estimated_finish, training_file, validation_file, suffix, error_code, error_message, error_param,
            raw_json, first_seen_at, updated_at, final_sync_done, observed_ns)
        SELECT \(values.bind(account)), * FROM UNNEST(
            \(values.bind(BatchArray(rows.map(\.id))))::text[], \(values.bind(BatchArray(rows.map(\.status))))::text[],
            \(values.bind(BatchArray(rows.map(\.model))))::text[],
            \(values.bind(BatchArray(rows.map(\.fineTunedModel))))::text[],
            \(values.bind(BatchArray(rows.map(\.createdAt))))::bigint[],
            \(values.bind(BatchArray(rows.map(\.finishedAt))))::bigint[],
            \(values.bind(BatchArray(rows.map(\.trainedTokens))))::bigint[],
            \(values.bind(BatchArray(rows.map(\.estimatedFinish))))::bigint[],
            \(values.bind(BatchArray(rows.map(\.trainingFile))))::text[],
            \(values.bind(BatchArray(rows.map(\.validationFile))))::text[],
            \(values.bind(BatchArray(rows.map(\.suffix))))::text[],
            \(values.bind(BatchArray(rows.map(\.errorCode))))::text[],
            \(values.bind(BatchArray(rows.map(\.errorMessage))))::text[],
            \(values.bind(BatchArray(rows.map(\.errorParam))))::text[],
            \(values.bind(BatchArray(rows.map(\.rawJSON))))::text[], \(values.bind(BatchArray(rows.map(\.firstSeenAt))))::bigint[],
            \(values.bind(BatchArray(rows.map(\.updatedAt))))::bigint[], \(values.bind(BatchArray(rows.map(\.finalSyncDone))))::boolean[],
            \(values.bind(BatchArray(rows.map(\.observedNanoseconds))))::bigint[])
        ON CONFLICT (account, id) DO UPDATE SET
            status = EXCLUDED.status, model = EXCLUDED.model, fine_tuned_model = EXCLUDED.fine_tuned_model,
            created_at = EXCLUDED.created_at, finished_at = EXCLUDED.finished_at,
            trained_tokens = EXCLUDED.trained_tokens, estimated_finish = EXCLUDED.estimated_finish,
            training_file = EXCLUDED.training_file, validation_file = EXCLUDED.validation_file,
            suffix = EXCLUDED.suffix, error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
            error_param = EXCLUDED.error_param, raw_json = EXCLUDED.raw_json,
            first_seen_at = EXCLUDED.first_seen_at, updated_at = EXCLUDED.updated_at,
            final_sync_done = EXCLUDED.final_sync_done, observed_ns = EXCLUDED.observed_ns
        """
    }

    /// Inserts the transitions in order (their ids rise in that order: `ORDER BY` sorts
    /// the rows before each takes its id), returning the ids.
    static func transitionsSQL(_ transitions: [Transition], account: String, _ values: inout BoundValues)
        -> String
    {
        """
        INSERT INTO transitions (account, job_id, from_status, to_status, observed_at, is_baseline)
        SELECT \(values.bind(account)), t.job_id, t.from_status, t.to_status, t.observed_at, t.is_baseline
        FROM UNNEST(
            \(values.bind(BatchArray(transitions.map(\.jobID))))::text[],
            \(values.bind(BatchArray(transitions.map(\.from))))::text[],
            \(values.bind(BatchArray(transitions.map(\.to))))::text[], \(values.bind(BatchArray(transitions.map(\.observedAt))))::bigint[],
            \(values.bind(BatchArray(transitions.map(\.isBaseline))))::boolean[]
        ) WITH ORDINALITY AS t(job_id, from_status, to_status, observed_at, is_baseline, ord)
        ORDER BY t.ord
        RETURNING id
        """
    }

    /// One pending delivery per hook that fires on each transition's new status, in the
    /// transitions' order and the hooks' within one; nil when there is none.
    func deliveries(of transitions: ArraySlice<(transition: Transition, jobJSON: String)>) -> DeliveryRows? {
        var rows = DeliveryRows()
        for (number, written) in transitions.enumerated() {
            for (position, hook) in OutboxRules.hooks(for: written.transition, among: cycle.hooks) {
                rows.numbers.append(number + 1)
                rows.ids.append(OutboxRules.newDeliveryID())
                rows.jobIDs.append(written.transition.jobID)
                rows.hooks.append(hook.name)
                rows.positions.append(position)
                rows.jobJSON.append(written.jobJSON)
                rows.times.append(written.transition.observedAt)
            }
        }
        return rows.ids.isEmpty ? nil : rows
    }

    /// Inserts `rows`, each naming its transition by its place in `moved` (the n-th
    /// smallest id), in their order.
    static func deliveriesSQL(_ rows: DeliveryRows, account: String, _ values: inout BoundValues) -> String {
        """
        INSERT INTO deliveries (id, transition_id, account, job_id, hook, position, job_json, status, attempts,
            created_at)
        SELECT d.id, n.id, \(values.bind(account)), d.job_id, d.hook, d.position, d.job_json, 'pending', 0,
            d.created_at
        FROM UNNEST(
            \(values.bind(BatchArray(rows.numbers)))::bigint[], \(values.bind(BatchArray(rows.ids)))::text[],
            \(values.bind(BatchArray(rows.jobIDs)))::text[], \(values.bind(BatchArray(rows.hooks)))::text[],
            \(values.bind(BatchArray(rows.positions)))::bigint[], \(values.bind(BatchArray(rows.jobJSON)))::text[],
            \(values.bind(BatchArray(rows.times)))::bigint[]
        ) WITH ORDINALITY AS d(transition, id, job_id, hook, position, job_json, created_at, ord)
        JOIN (SELECT id, row_number() OVER (ORDER BY id) AS number FROM moved) n ON n.number = d.transition
        ORDER BY d.ord
        """
    }
}

/// The deliveries of a batch of transitions, column by column.
struct DeliveryRows {
    /// The place of each one's transition in its batch, from 1.
    var numbers: [Int] = []
    var ids: [String] = []
    var jobIDs: [String] = []
    var hooks: [String] = []
    var positions: [Int] = []
    var jobJSON: [String] = []
    var times: [Int64] = []
}
