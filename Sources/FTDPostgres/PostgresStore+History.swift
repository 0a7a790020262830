import FTDModel
import FTDStore
import Logging
import PostgresNIO

/// The reads behind `ftd history` (SPEC section 6), as the SQLite store makes them
/// (`AppDatabase+History.swift`): the same models in the same order, the same errors.
extension PostgresStore: HistoryStore {
    public func jobSummaries(status: String?, account: String?, limit: Int?) async throws -> [JobSummary] {
        try await reduceJobSummaries(status: status, account: account, limit: limit, into: []) {
            $0.append($1)
        }
    }

    /// One query whose rows are folded as they arrive: PostgresNIO asks the server for
    /// more only as the fold takes them, so 10,000 jobs are never held at once.
    public func reduceJobSummaries<Result: Sendable>(
        status: String?, account: String?, limit: Int?, into initial: Result,
        _ update: @escaping @Sendable (inout Result, JobSummary) throws -> Void
    ) async throws -> Result {
        var values = BoundValues()
        let sql = Self.listingSQL(
            Self.listingFilter(status: status, account: account, &values), limit, &values)
        return try await mappingErrors {
            var result = initial
            for try await row in try await client.query(values.query(sql), logger: logger) {
                try update(&result, try jobSummary(row))
            }
            return result
        }
    }

    /// `jobs.status` and `jobs.account` as asked, nil when neither is.
    static func listingFilter(status: String?, account: String?, _ values: inout BoundValues) -> String? {
        var conditions: [String] = []
        if let status { conditions.append("jobs.status = \(values.bind(status))") }
        if let account { conditions.append("jobs.account = \(values.bind(account))") }
        return conditions.isEmpty ? nil : conditions.joined(separator: " AND ")
    }

    /// The summaries `filter` selects, newest first: at most `limit` (all when nil), after
    /// the first `offset`.
    static func listingSQL(_ filter: String?, _ limit: Int?, offset: Int = 0, _ values: inout BoundValues)
        -> String
    {
        var sql = "SELECT \(summaryColumns) FROM \(summaryTables)"
        if let filter { sql += " WHERE \(filter)" }
        sql += " ORDER BY \(newestFirst())"
        if let limit { sql += " LIMIT \(values.bind(max(limit, 0)))" }
        if offset > 0 { sql += " OFFSET \(values.bind(offset))" }
        return sql
    }

    /// The accounts holding at least one job, in SQLite's order (by their bytes).
    public func jobAccounts() async throws -> [String] {
        try await strings(
            "SELECT account FROM jobs GROUP BY account ORDER BY account \(unescaped: bytewise)")
    }

    /// The accounts the store knows: those that ran a cycle and those holding a job (a
    /// workflow command records jobs without a cycle), sorted by their bytes.
    public func storedAccountNames() async throws -> [String] {
        try await strings(
            """
            SELECT name FROM (SELECT name FROM accounts UNION SELECT account FROM jobs) AS known
            ORDER BY name \(unescaped: bytewise)
            """)
    }

    private func strings(_ query: PostgresQuery) async throws -> [String] {
        try await mappingErrors {
            var names: [String] = []
            for try await name in try await client.query(query, logger: logger).decode(String.self) {
                names.append(name)
            }
            return names
        }
    }

    /// The stored job `input` names (`JobReference`): the id itself, else the jobs whose
    /// id starts with the prefix, compared as SQLite's `substr(id, 1, N)` compares, N the
    /// prefix's length in characters.
    public func resolveJob(_ input: String, account: String?) async throws -> JobKey {
        let reference = try JobReference(input, account: account)
        return try await reading { connection in
            var values = BoundValues()
            let scope = reference.account.map { "account = \(values.bind($0)) AND " } ?? ""
            let scoped = values
            let exact = """
                SELECT account, id FROM jobs WHERE \(scope)id = \(values.bind(reference.typed))
                ORDER BY account \(bytewise) LIMIT \(JobReference.candidateLimit)
                """
            var candidates = try await Self.keys(values.query(exact), connection, logger)
            if candidates.isEmpty {
                values = scoped
                let condition = reference.prefixes.map {
                    "substr(id, 1, \(values.bind(Int32(clamping: $0.length)))) = \(values.bind($0.text))"
                }
                let prefixed = """
                    SELECT account, id FROM jobs WHERE \(scope)(\(condition.joined(separator: " OR ")))
                    ORDER BY id \(bytewise), account \(bytewise) LIMIT \(JobReference.candidateLimit)
                    """
                candidates = try await Self.keys(values.query(prefixed), connection, logger)
            }
            return try reference.resolve(candidates)
        }
    }

    static func keys(_ query: PostgresQuery, _ connection: PostgresConnection, _ logger: Logger) async throws
        -> [JobKey]
    {
        var keys: [JobKey] = []
        for try await (account, id) in try await connection.query(query, logger: logger).decode(
            (String, String).self)
        {
            keys.append(JobKey(account: account, id: id))
        }
        return keys
    }

    public func jobDetail(
        job: JobKey, latestEvents: Int?, skippingMetricsEvents: Bool, steps reading: StepReading
    )
        async throws -> JobDetail
    {
        try await self.reading { connection in
            var values = BoundValues()
            let filter = "jobs.account = \(values.bind(job.account)) AND jobs.id = \(values.bind(job.id))"
            var found: JobSummary?
            let sql = Self.listingSQL(filter, 1, &values)
            for try await row in try await connection.query(values.query(sql), logger: logger) {
                found = try jobSummary(row)
            }
            guard let summary = found else { throw StoreError.unknownJob(input: job.id) }
            var detail = JobDetail(
                summary: summary, transitions: try await transitions(job, connection),
                steps: reading == .all ? try await steps(job, connection) : [],
                checkpoints: try await checkpoints(job, connection),
                hookRuns: try await hookRuns(job, connection))
            (detail.events, detail.eventCount) = try await events(
                job, latest: latestEvents, skippingMetrics: skippingMetricsEvents, connection)
            if reading == .curve { detail.curve = try await curve(job, expected: summary.steps, connection) }
            detail.alerts = try await alerts(of: job, limit: nil, connection)
            return detail
        }
    }

    public func steps(job: JobKey) async throws -> [LossStep] {
        try await reading { connection in try await steps(job, connection) }
    }

    func transitions(_ job: JobKey, _ connection: PostgresConnection) async throws -> [Transition] {
        let rows = try await connection.query(
            """
            SELECT from_status, to_status, observed_at, is_baseline FROM transitions
            WHERE account = \(job.account) AND job_id = \(job.id) ORDER BY id
            """, logger: logger)
        var transitions: [Transition] = []
        for try await (from, to, observedAt, isBaseline) in rows.decode((String?, String, Int64, Bool).self) {
            transitions.append(
                Transition(
                    account: job.account, jobID: job.id, from: from, to: to, observedAt: observedAt,
                    isBaseline: isBaseline))
        }
        return transitions
    }

    /// A job's loss steps, ascending, their non-finite losses put back.
    func steps(_ job: JobKey, _ connection: PostgresConnection) async throws -> [LossStep] {
        let rows = try await connection.query(
            """
            SELECT step, total_steps, train_loss, train_mean_token_accuracy, valid_loss,
                valid_mean_token_accuracy, full_valid_loss, full_valid_mean_token_accuracy, non_finite
            FROM steps WHERE account = \(job.account) AND job_id = \(job.id) ORDER BY step
            """, logger: logger)
        var steps: [LossStep] = []
        for try await (step, total, train, trainAccuracy, valid, validAccuracy, full, fullAccuracy, nonFinite)
            in rows.decode((Int, Int?, Double?, Double?, Double?, Double?, Double?, Double?, String?).self)
        {
            let whole = LossStep(
                jobID: job.id, step: step, totalSteps: total, trainLoss: train,
                trainMeanTokenAccuracy: trainAccuracy, validLoss: valid,
                validMeanTokenAccuracy: validAccuracy,
                fullValidLoss: full, fullValidMeanTokenAccuracy: fullAccuracy)
            steps.append(StoredRows.step(whole, nonFinite: nonFinite))
        }
        return steps
    }

    /// A job's loss curve: the four columns a chart draws, by step.
    func curve(_ job: JobKey, expected: Int, _ connection: PostgresConnection) async throws -> LossCurve {
        let rows = try await connection.query(
            """
            SELECT step, total_steps, train_loss, valid_loss, non_finite
            FROM steps WHERE account = \(job.account) AND job_id = \(job.id) ORDER BY step
            """, logger: logger)
        var curve = LossCurve()
        curve.reserveCapacity(expected)
        for try await (step, total, train, valid, nonFinite) in rows.decode(
            (Int, Int?, Double?, Double?, String?).self)
        {
            curve.appendStored(
                jobID: job.id, step: step, totalSteps: total, trainLoss: train, validLoss: valid,
                nonFinite: nonFinite)
        }
        return curve
    }

    /// By step number (none last), then time (none first, as SQLite sorts NULL), then id.
    func checkpoints(_ job: JobKey, _ connection: PostgresConnection) async throws -> [Checkpoint] {
        let rows = try await connection.query(
            """
            SELECT id, created_at, step_number, fine_tuned_model_checkpoint, metrics_json FROM checkpoints
            WHERE account = \(job.account) AND job_id = \(job.id)
            ORDER BY step_number IS NULL, step_number, created_at NULLS FIRST, id \(unescaped: bytewise)
            """, logger: logger)
        var checkpoints: [Checkpoint] = []
        for try await (id, createdAt, stepNumber, name, metrics) in rows.decode(
            (String, Int64?, Int?, String?, String?).self)
        {
            checkpoints.append(
                StoredRows.checkpoint(
                    id: id, jobID: job.id, createdAt: createdAt, stepNumber: stepNumber,
                    fineTunedModelCheckpoint: name, metricsJSON: metrics))
        }
        return checkpoints
    }

    /// The job's events in the order they happened (all, or the newest `latest`), and how
    /// many of them there are; `skippingMetrics` leaves out those of type `metrics`.
    func events(_ job: JobKey, latest: Int?, skippingMetrics: Bool, _ connection: PostgresConnection)
        async throws -> (events: [JobEvent], count: Int)
    {
        var values = BoundValues()
        var filter = "account = \(values.bind(job.account)) AND job_id = \(values.bind(job.id))"
        // The partial index `events_messages_on_job_id` spells the same condition.
        if skippingMetrics { filter += " AND type IS DISTINCT FROM 'metrics'" }
        let columns =
            "SELECT seq, id, created_at, level, type, message, data_json FROM events WHERE \(filter)"
        guard let latest else {
            let events = try await Self.events(
                values.query(columns + " ORDER BY created_at, seq"), job, connection, logger)
            return (events.map(\.event), events.count)
        }
        let count = values
        let sql = columns + " ORDER BY created_at DESC, seq DESC LIMIT \(values.bind(max(latest, 0)))"
        let newest = try await Self.events(values.query(sql), job, connection, logger)
        var total = 0
        for try await found in try await connection.query(
            count.query("SELECT COUNT(*) FROM events WHERE \(filter)"), logger: logger
        ).decode(Int.self) {
            total = found
        }
        return (newest.reversed().map(\.event), total)
    }

    /// Rows of `events` (`seq, id, created_at, level, type, message, data_json`), as paged events.
    static func events(
        _ query: PostgresQuery, _ job: JobKey, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [PagedEvent] {
        var events: [PagedEvent] = []
        for try await (seq, id, createdAt, level, type, message, data) in try await connection.query(
            query, logger: logger
        ).decode((Int64, String, Int64, String, String?, String, String?).self) {
            events.append(
                PagedEvent(
                    cursor: EventCursor(createdAt: createdAt, seq: seq),
                    event: StoredRows.event(
                        id: id, jobID: job.id, createdAt: createdAt, level: level, type: type,
                        message: message,
                        dataJSON: data)))
        }
        return events
    }

    /// The job as last stored, its raw JSON decoded again.
    public func storedJob(_ job: JobKey) async throws -> FineTuningJob {
        let rows = try await query(
            """
            SELECT raw_json, status, model, created_at, finished_at, fine_tuned_model, trained_tokens,
                error_code, error_message, error_param
            FROM jobs WHERE account = \(job.account) AND id = \(job.id)
            """)
        return try await mappingErrors {
            for try await (raw, status, model, createdAt, finishedAt, fineTuned, tokens, code, message, param)
                in rows.decode(
                    (String, String, String?, Int64?, Int64?, String?, Int64?, String?, String?, String?).self
                )
            {
                return StoredRows.job(rawJSON: raw) {
                    FineTuningJob(
                        id: job.id, status: status, model: model, createdAt: createdAt,
                        finishedAt: finishedAt,
                        fineTunedModel: fineTuned, trainedTokens: tokens,
                        error: StoredRows.jobError(code: code, message: message, param: param))
                }
            }
            throw StoreError.unknownJob(input: job.id)
        }
    }
}
