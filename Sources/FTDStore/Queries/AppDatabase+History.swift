import FTDModel
import Foundation
import GRDB
import GRDBSQLite

/// The queries behind `ftd history`. They only read, so they also work on a database
/// opened with `AppDatabase.openForReading(path:)`.
extension AppDatabase {
    /// Jobs newest `created_at` first (ties by id, descending), optionally of one status.
    public func jobSummaries(status: String? = nil, limit: Int? = nil) throws -> [JobSummary] {
        try writer.read { db in
            try Self.summaries(db, where: status.map { ("status = ?", [$0]) }, limit: limit)
        }
    }

    /// The stored job id that `input` names: the full id, or a unique prefix of it with or
    /// without `ftjob-`.
    public func resolveJobID(_ input: String) throws -> String {
        let typed = input.trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { throw StoreError.unknownJob(input: input) }
        return try writer.read { db in
            if try JobRecord.exists(db, key: typed) { return typed }
            var prefixes = [typed]
            if !typed.hasPrefix("ftjob-") { prefixes.append("ftjob-" + typed) }
            let condition = prefixes.map { _ in "substr(id, 1, ?) = ?" }.joined(separator: " OR ")
            let arguments = prefixes.flatMap { [$0.count, $0] as [any DatabaseValueConvertible] }
            let candidates = try String.fetchAll(
                db, sql: "SELECT id FROM jobs WHERE \(condition) ORDER BY id LIMIT 11",
                arguments: StatementArguments(arguments))
            switch candidates.count {
            case 0: throw StoreError.unknownJob(input: input)
            case 1: return candidates[0]
            default: throw StoreError.ambiguousJob(input: input, candidates: candidates)
            }
        }
    }

    /// One stored job with everything recorded about it. `id` is a full id: see
    /// `resolveJobID(_:)`. With `latestEvents`, only that many of the newest events are
    /// read (`eventCount` still counts them all): a long job has hundreds of thousands.
    /// `skippingMetricsEvents` leaves out the events of type `metrics`, in the query.
    public func jobDetail(
        id: String, latestEvents: Int? = nil, skippingMetricsEvents: Bool = false, readingSteps: Bool = true
    ) throws -> JobDetail {
        try writer.read { db in
            guard let summary = try Self.summaries(db, where: ("id = ?", [id]), limit: 1).first else {
                throw StoreError.unknownJob(input: id)
            }
            let transitions = try TransitionRecord.fetchAll(
                db, sql: "SELECT * FROM transitions WHERE job_id = ? ORDER BY id", arguments: [id])
            let steps = readingSteps ? try Self.steps(jobID: id, expected: summary.steps, db) : []
            let checkpoints = try CheckpointRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM checkpoints WHERE job_id = ?
                    ORDER BY step_number IS NULL, step_number, created_at, id
                    """, arguments: [id])
            let events: [EventRecord]
            let eventCount: Int
            let selected = "job_id = ?" + (skippingMetricsEvents ? " AND type IS NOT 'metrics'" : "")
            if let latestEvents {
                events = try EventRecord.fetchAll(
                    db,
                    sql: "SELECT * FROM events WHERE \(selected) ORDER BY created_at DESC, seq DESC LIMIT ?",
                    arguments: [id, max(latestEvents, 0)]
                ).reversed()
                eventCount =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM events WHERE \(selected)", arguments: [id])
                    ?? 0
            } else {
                events = try EventRecord.fetchAll(
                    db, sql: "SELECT * FROM events WHERE \(selected) ORDER BY created_at, seq",
                    arguments: [id]
                )
                eventCount = events.count
            }
            var detail = JobDetail(
                summary: summary, transitions: transitions.map(\.transition), steps: steps,
                checkpoints: checkpoints.map(\.checkpoint), events: events.map(\.event),
                hookRuns: try Self.hookRunViews(jobID: id, db))
            detail.eventCount = eventCount
            return detail
        }
    }

    /// A job's loss steps, ascending.
    public func steps(jobID: String) throws -> [LossStep] {
        try writer.read { db in try Self.steps(jobID: jobID, expected: 0, db) }
    }

    /// A job's loss steps, read straight from SQLite's columns: a job can have 100,000
    /// of them, and decoding each row through GRDB's `Row` took most of `ftd history JOB`.
    private static func steps(jobID: String, expected: Int, _ db: Database) throws -> [LossStep] {
        let statement = try db.makeStatement(
            sql: """
                SELECT step, total_steps, train_loss, train_mean_token_accuracy, valid_loss,
                    valid_mean_token_accuracy, full_valid_loss, full_valid_mean_token_accuracy
                FROM steps WHERE job_id = ? ORDER BY step
                """)
        statement.arguments = [jobID]
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
            steps.append(
                LossStep(
                    jobID: jobID, step: Int(sqlite3_column_int64(sqlite, 0)), totalSteps: integer(1),
                    trainLoss: real(2), trainMeanTokenAccuracy: real(3), validLoss: real(4),
                    validMeanTokenAccuracy: real(5), fullValidLoss: real(6),
                    fullValidMeanTokenAccuracy: real(7)))
        }
        return steps
    }

    /// One query for all summaries, reading only the columns a summary shows (by
    /// position: a listing can hold 10,000 jobs).
    static func summaries(
        _ db: Database, where filter: (sql: String, arguments: [String])?, limit: Int?, offset: Int = 0
    ) throws -> [JobSummary] {
        let stored = try db.tableExists("step_summaries")
        var arguments = StatementArguments(filter?.arguments ?? []) + [limit.map { max($0, 0) } ?? -1]
        if offset > 0 { arguments += [offset] }
        let rows = try Row.fetchCursor(
            db,
            sql: summarySQL(filter: filter?.sql, storedStepSummary: stored) + (offset > 0 ? " OFFSET ?" : ""),
            arguments: arguments)
        var summaries: [JobSummary] = []
        while let row = try rows.next() {
            let (code, message, param): (String?, String?, String?) = (row[7], row[8], row[9])
            let error =
                code == nil && message == nil && param == nil
                ? nil : JobError(code: code, message: message, param: param)
            summaries.append(
                JobSummary(
                    id: row[0], status: row[1], model: row[2], fineTunedModel: row[3], createdAt: row[4],
                    finishedAt: row[5], trainedTokens: row[6], error: error, steps: row[10],
                    lastTrainLoss: row[11]))
        }
        return summaries
    }

    /// The listing's query: the step count and last loss from `step_summaries`. A
    /// database the daemon has not yet migrated to `v4-step-summary` (`ftd history` never
    /// migrates) gets them from subqueries on the `(job_id, step)` primary key instead.
    static func summarySQL(filter: String?, storedStepSummary: Bool = true) -> String {
        let stepColumns =
            storedStepSummary
            ? "COALESCE(step_summaries.step_count, 0), step_summaries.last_train_loss"
            : """
            (SELECT COUNT(*) FROM steps WHERE steps.job_id = jobs.id),
                (SELECT train_loss FROM steps WHERE steps.job_id = jobs.id ORDER BY step DESC LIMIT 1)
            """
        let join = storedStepSummary ? " LEFT JOIN step_summaries ON step_summaries.job_id = jobs.id" : ""
        return """
            SELECT id, status, model, fine_tuned_model, created_at, finished_at, trained_tokens,
                error_code, error_message, error_param, \(stepColumns)
            FROM jobs\(join)
            \(filter.map { "WHERE " + $0 } ?? "")
            ORDER BY created_at DESC, id DESC
            LIMIT ?
            """
    }
}
