import Foundation
import GRDB

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
    /// `resolveJobID(_:)`.
    public func jobDetail(id: String) throws -> JobDetail {
        try writer.read { db in
            guard let summary = try Self.summaries(db, where: ("id = ?", [id]), limit: 1).first else {
                throw StoreError.unknownJob(input: id)
            }
            let transitions = try TransitionRecord.fetchAll(
                db, sql: "SELECT * FROM transitions WHERE job_id = ? ORDER BY id", arguments: [id])
            let steps = try StepRecord.fetchAll(
                db, sql: "SELECT * FROM steps WHERE job_id = ? ORDER BY step", arguments: [id])
            let checkpoints = try CheckpointRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM checkpoints WHERE job_id = ?
                    ORDER BY step_number IS NULL, step_number, created_at, id
                    """, arguments: [id])
            let events = try EventRecord.fetchAll(
                db, sql: "SELECT * FROM events WHERE job_id = ? ORDER BY created_at, seq", arguments: [id])
            return JobDetail(
                summary: summary, transitions: transitions.map(\.transition), steps: steps.map(\.lossStep),
                checkpoints: checkpoints.map(\.checkpoint), events: events.map(\.event),
                hookRuns: try Self.hookRunViews(jobID: id, db))
        }
    }

    /// One query for all summaries: the step count and the last loss come from
    /// subqueries on the `(job_id, step)` primary key, never one query per job.
    private static func summaries(
        _ db: Database, where filter: (sql: String, arguments: [String])?, limit: Int?
    ) throws -> [JobSummary] {
        let rows = try Row.fetchAll(
            db, sql: summarySQL(filter: filter?.sql),
            arguments: StatementArguments(filter?.arguments ?? []) + [limit.map { max($0, 0) } ?? -1])
        return try rows.map { row in
            let job = try JobRecord(row: row)
            return JobSummary(
                id: job.id, status: job.status, model: job.model, fineTunedModel: job.fineTunedModel,
                createdAt: job.createdAt, finishedAt: job.finishedAt, trainedTokens: job.trainedTokens,
                error: job.error, steps: row["step_count"], lastTrainLoss: row["last_train_loss"])
        }
    }

    static func summarySQL(filter: String?) -> String {
        """
        SELECT jobs.*,
            (SELECT COUNT(*) FROM steps WHERE steps.job_id = jobs.id) AS step_count,
            (SELECT train_loss FROM steps WHERE steps.job_id = jobs.id
                ORDER BY step DESC LIMIT 1) AS last_train_loss
        FROM jobs
        \(filter.map { "WHERE " + $0 } ?? "")
        ORDER BY created_at DESC, id DESC
        LIMIT ?
        """
    }
}
