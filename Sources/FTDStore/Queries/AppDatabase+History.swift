import FTDModel
import Foundation
import GRDB
import GRDBSQLite

/// The queries behind `ftd history`. They only read, so they also work on a database
/// opened with `AppDatabase.openForReading(path:)`.
extension AppDatabase {
    /// Jobs newest `created_at` first (ties by id, descending), optionally of one status
    /// and of one account.
    public func jobSummaries(status: String? = nil, account: String? = nil, limit: Int? = nil) throws
        -> [JobSummary]
    {
        try writer.read { db in
            try Self.summaries(db, where: Self.listingFilter(status: status, account: account), limit: limit)
        }
    }

    /// `jobSummaries(status:account:limit:)` one at a time: `body` is given each summary
    /// as its row is read, and no array of them is built. `ftd history` lists 10,000
    /// jobs, and the array and its strings were megabytes of page faults.
    public func forEachJobSummary(
        status: String? = nil, account: String? = nil, limit: Int? = nil, _ body: (JobSummary) throws -> Void
    ) throws {
        try writer.read { db in
            try Self.forEachSummary(
                db, where: Self.listingFilter(status: status, account: account), limit: limit, body)
        }
    }

    private static func listingFilter(status: String?, account: String?) -> (
        sql: String, arguments: [String]
    )? {
        var conditions: [String] = []
        var arguments: [String] = []
        if let status {
            conditions.append("status = ?")
            arguments.append(status)
        }
        if let account {
            conditions.append("jobs.account = ?")
            arguments.append(account)
        }
        return conditions.isEmpty ? nil : (conditions.joined(separator: " AND "), arguments)
    }

    /// The accounts holding at least one job, by name. One seek per account on the
    /// `(account, created_at, id)` index, not a scan: `ftd history` asks before it lists
    /// 10,000 jobs.
    public func jobAccounts() throws -> [String] {
        try writer.read { db in
            var names: [String] = []
            var name = try String.fetchOne(db, sql: Self.firstAccountSQL)
            let next = try db.cachedStatement(sql: Self.nextAccountSQL)
            while let found = name {
                names.append(found)
                name = try String.fetchOne(next, arguments: [found])
            }
            return names
        }
    }

    static let firstAccountSQL = "SELECT MIN(account) FROM jobs"
    static let nextAccountSQL = "SELECT MIN(account) FROM jobs WHERE account > ?"

    /// The accounts the database knows: those that ran a cycle and those holding a job
    /// (a workflow command records jobs without a cycle), sorted.
    public func storedAccountNames() throws -> [String] {
        try writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM accounts UNION SELECT DISTINCT account FROM jobs ORDER BY 1")
        }
    }

    /// The stored job that `input` names: `account/ftjob-…`, the full id, or a unique
    /// prefix of it with or without `ftjob-`, within `account` when given. A prefix that
    /// matches jobs of several accounts is ambiguous (SPEC section 8).
    public func resolveJob(_ input: String, account: String? = nil) throws -> JobKey {
        let reference = try JobReference(input, account: account)
        return try writer.read { db in
            let scope = reference.account.map { _ in "account = ? AND " } ?? ""
            let scoped: [any DatabaseValueConvertible] = reference.account.map { [$0] } ?? []
            let limit = JobReference.candidateLimit
            let exact = try Row.fetchAll(
                db, sql: "SELECT account, id FROM jobs WHERE \(scope)id = ? ORDER BY account LIMIT \(limit)",
                arguments: StatementArguments(scoped + [reference.typed]))
            var candidates = exact.map { JobKey(account: $0[0], id: $0[1]) }
            if candidates.isEmpty {
                let prefixes = reference.prefixes
                let condition = prefixes.map { _ in "substr(id, 1, ?) = ?" }.joined(separator: " OR ")
                let arguments = prefixes.flatMap { [$0.length, $0.text] as [any DatabaseValueConvertible] }
                candidates = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT account, id FROM jobs WHERE \(scope)(\(condition)) ORDER BY id, account LIMIT \(limit)",
                    arguments: StatementArguments(scoped + arguments)
                ).map { JobKey(account: $0[0], id: $0[1]) }
            }
            return try reference.resolve(candidates)
        }
    }

    /// The stored job id that `input` names, in the `default` account or the only one
    /// holding it: see `resolveJob(_:account:)`.
    public func resolveJobID(_ input: String) throws -> String { try resolveJob(input).id }

    /// One stored job with everything recorded about it. `id` is a full id: see
    /// `resolveJobID(_:)`. With `latestEvents`, only that many of the newest events are
    /// read (`eventCount` still counts them all): a long job has hundreds of thousands.
    /// `skippingMetricsEvents` leaves out the events of type `metrics`, in the query; the
    /// steps are read as `steps` says.
    public func jobDetail(
        job: JobKey, latestEvents: Int? = nil, skippingMetricsEvents: Bool = false,
        steps reading: StepReading = .all
    ) throws -> JobDetail {
        try writer.read { db in
            let key: StatementArguments = [job.account, job.id]
            guard
                let summary = try Self.summaries(
                    db, where: ("jobs.account = ? AND id = ?", [job.account, job.id]), limit: 1
                ).first
            else {
                throw StoreError.unknownJob(input: job.id)
            }
            let transitions = try TransitionRecord.fetchAll(
                db, sql: "SELECT * FROM transitions WHERE account = ? AND job_id = ? ORDER BY id",
                arguments: key)
            let steps = reading == .all ? try Self.steps(job: job, expected: summary.steps, db) : []
            let checkpoints = try CheckpointRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM checkpoints WHERE account = ? AND job_id = ?
                    ORDER BY step_number IS NULL, step_number, created_at, id
                    """, arguments: key)
            let events: [EventRecord]
            let eventCount: Int
            let selected =
                [EventRecord.jobCondition]
                + (skippingMetricsEvents ? [EventRecord.messagesOnlyCondition] : [])
            if let latestEvents {
                events = try EventRecord.fetchAll(
                    db,
                    sql: EventRecord.selectSQL(
                        where: selected, order: "e.created_at DESC, e.seq DESC", limit: true,
                        messagesOnly: skippingMetricsEvents),
                    arguments: key + [max(latestEvents, 0)]
                ).reversed()
                eventCount =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM \(EventRecord.fromSQL(saying: false, messagesOnly: skippingMetricsEvents))
                            WHERE \(selected.joined(separator: " AND "))
                            """, arguments: key)
                    ?? 0
            } else {
                events = try EventRecord.fetchAll(
                    db,
                    sql: EventRecord.selectSQL(
                        where: selected, order: "e.created_at, e.seq", messagesOnly: skippingMetricsEvents),
                    arguments: key)
                eventCount = events.count
            }
            var detail = JobDetail(
                summary: summary, transitions: transitions.map(\.transition), steps: steps,
                checkpoints: checkpoints.map(\.checkpoint), events: events.map(\.event),
                hookRuns: try Self.hookRunViews(job: job, db))
            detail.eventCount = eventCount
            if reading == .curve { detail.curve = try Self.curve(job: job, expected: summary.steps, db) }
            detail.alerts = try Self.alerts(
                db, where: "account = ? AND job_id = ?", [job.account, job.id], limit: nil)
            return detail
        }
    }

    /// A job's loss steps, ascending.
    public func steps(job: JobKey) throws -> [LossStep] {
        try writer.read { db in try Self.steps(job: job, expected: 0, db) }
    }

    /// A job's loss steps, read straight from SQLite's columns: a job can have 100,000
    /// of them, and decoding each row through GRDB's `Row` took most of `ftd history JOB`.
    private static func steps(job: JobKey, expected: Int, _ db: Database) throws -> [LossStep] {
        let jobID = job.id
        let statement = try db.makeStatement(
            sql: """
                SELECT step, total_steps, train_loss, train_mean_token_accuracy, valid_loss,
                    valid_mean_token_accuracy, full_valid_loss, full_valid_mean_token_accuracy, non_finite
                FROM steps WHERE account = ? AND job_id = ? ORDER BY step
                """)
        statement.arguments = [job.account, job.id]
        let sqlite = statement.sqliteStatement
        func integer(_ column: CInt) -> Int? {
            sqlite3_column_type(sqlite, column) == SQLITE_NULL
                ? nil : Int(sqlite3_column_int64(sqlite, column))
        }
        func real(_ column: CInt) -> Double? {
            sqlite3_column_type(sqlite, column) == SQLITE_NULL ? nil : sqlite3_column_double(sqlite, column)
        }
        var steps: [LossStep] = []
        steps.reserveCapacity(expected)
        // The cursor steps the statement; its columns are read in place.
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            var step = LossStep(
                jobID: jobID, step: Int(sqlite3_column_int64(sqlite, 0)), totalSteps: integer(1),
                trainLoss: real(2), trainMeanTokenAccuracy: real(3), validLoss: real(4),
                validMeanTokenAccuracy: real(5), fullValidLoss: real(6),
                fullValidMeanTokenAccuracy: real(7))
            // Rare: a loss the API sent as `nan` or `inf` (`NonFiniteLosses`).
            if sqlite3_column_type(sqlite, 8) != SQLITE_NULL {
                NonFiniteLosses.restore(String(cString: sqlite3_column_text(sqlite, 8)), into: &step)
            }
            steps.append(step)
        }
        return steps
    }

    /// A job's loss curve: the four columns a chart draws, by step, read in place.
    private static func curve(job: JobKey, expected: Int, _ db: Database) throws -> LossCurve {
        let statement = try db.makeStatement(
            sql: """
                SELECT step, total_steps, train_loss, valid_loss, non_finite
                FROM steps WHERE account = ? AND job_id = ? ORDER BY step
                """)
        statement.arguments = [job.account, job.id]
        let sqlite = statement.sqliteStatement
        func isNull(_ column: CInt) -> Bool { sqlite3_column_type(sqlite, column) == SQLITE_NULL }
        func real(_ column: CInt) -> Double? { isNull(column) ? nil : sqlite3_column_double(sqlite, column) }
        var curve = LossCurve()
        curve.reserveCapacity(expected)
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            let step = Int(sqlite3_column_int64(sqlite, 0))
            let totalSteps = isNull(1) ? nil : Int(sqlite3_column_int64(sqlite, 1))
            curve.appendStored(
                jobID: job.id, step: step, totalSteps: totalSteps, trainLoss: real(2), validLoss: real(3),
                nonFinite: isNull(4) ? nil : String(cString: sqlite3_column_text(sqlite, 4)))
        }
        return curve
    }

    /// The summaries `forEachSummary` reads, in one array allocated once.
    static func summaries(
        _ db: Database, where filter: (sql: String, arguments: [String])?, limit: Int?, offset: Int = 0
    ) throws -> [JobSummary] {
        var summaries: [JobSummary] = []
        if let limit, limit <= 1000 {
            summaries.reserveCapacity(max(limit, 0))
        } else {
            // A whole listing is counted first (an index, not the rows), so that the array
            // is allocated once: growing it by doubling copied and faulted in megabytes
            // for 10,000 jobs.
            let count =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM jobs" + (filter.map { " WHERE " + $0.sql } ?? ""),
                    arguments: StatementArguments(filter?.arguments ?? [])) ?? 0
            summaries.reserveCapacity(min(max(count - offset, 0), limit ?? .max))
        }
        try forEachSummary(db, where: filter, limit: limit, offset: offset) { summaries.append($0) }
        return summaries
    }

    /// One query for all summaries, reading only the columns a summary shows, straight
    /// from SQLite's columns: a listing can hold 10,000 jobs, and decoding each row through
    /// GRDB's `Row` took as long as the query. Each column reads as GRDB would read it
    /// (`String(cString:)` of the text, nil for NULL). `body` is given each summary in
    /// turn, newest first.
    static func forEachSummary(
        _ db: Database, where filter: (sql: String, arguments: [String])?, limit: Int?, offset: Int = 0,
        _ body: (JobSummary) throws -> Void
    ) throws {
        var arguments = StatementArguments(filter?.arguments ?? []) + [limit.map { max($0, 0) } ?? -1]
        if offset > 0 { arguments += [offset] }
        let statement = try db.makeStatement(
            sql: summarySQL(filter: filter?.sql) + (offset > 0 ? " OFFSET ?" : ""))
        statement.arguments = arguments
        let sqlite = statement.sqliteStatement
        func isNull(_ column: CInt) -> Bool { sqlite3_column_type(sqlite, column) == SQLITE_NULL }
        func text(_ column: CInt) -> String? {
            isNull(column) ? nil : String(cString: sqlite3_column_text(sqlite, column))
        }
        func integer(_ column: CInt) -> Int64? { isNull(column) ? nil : sqlite3_column_int64(sqlite, column) }
        // The cursor steps the statement; its columns are read in place.
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            let error = StoredRows.jobError(code: text(8), message: text(9), param: text(10))
            try body(
                JobSummary(
                    account: text(0) ?? "", id: text(1) ?? "", status: text(2) ?? "", model: text(3),
                    fineTunedModel: text(4), createdAt: integer(5), finishedAt: integer(6),
                    trainedTokens: integer(7), error: error, steps: Int(integer(11) ?? 0),
                    lastTrainLoss: isNull(12) ? nil : sqlite3_column_double(sqlite, 12),
                    estimatedTrainedTokens: integer(13)))
        }
    }

    /// The listing's query: the step count and last loss from `step_summaries`, and
    /// `ftd submit`'s estimate. Every database a reader opens has `job_estimates`
    /// (`readerRequiredMigrations` asks for `v10-alerts`, which comes after `v9-estimates`).
    static func summarySQL(filter: String?) -> String {
        """
        SELECT jobs.account, id, status, model, fine_tuned_model, created_at, finished_at, trained_tokens,
            error_code, error_message, error_param,
            COALESCE(step_summaries.step_count, 0), step_summaries.last_train_loss,
            job_estimates.estimated_tokens
        FROM jobs
        LEFT JOIN step_summaries ON step_summaries.account = jobs.account AND step_summaries.job_id = jobs.id
        LEFT JOIN job_estimates ON job_estimates.account = jobs.account AND job_estimates.job_id = jobs.id
        \(filter.map { "WHERE " + $0 } ?? "")
        ORDER BY created_at DESC, id DESC
        LIMIT ?
        """
    }
}
