import FTDModel
import Foundation
import GRDB

/// The queries behind the dashboard's list and Messages panel. They only read, so they
/// work on a database opened with `AppDatabase.openForReading(path:)` (`ftd serve`).
extension AppDatabase {
    public func jobOverview(_ query: OverviewQuery) throws -> OverviewPage {
        try writer.read { db in
            var conditions: [String] = []
            var arguments: [String] = []
            if let status = query.status {
                conditions.append("status = ?")
                arguments.append(status)
            }
            if let account = query.account {
                conditions.append("jobs.account = ?")
                arguments.append(account)
            }
            if let search = query.searchNeedle {
                // instr, not LIKE: a `%` or `_` typed in the search box means itself.
                conditions.append(
                    """
                    (instr(lower(id), ?) > 0 OR instr(lower(COALESCE(suffix, '')), ?) > 0
                        OR instr(lower(COALESCE(model, '')), ?) > 0
                        OR instr(lower(COALESCE(fine_tuned_model, '')), ?) > 0)
                    """)
                arguments += Array(repeating: search, count: 4)
            }
            let filter =
                conditions.isEmpty ? nil : (sql: conditions.joined(separator: " AND "), arguments: arguments)
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM jobs" + (filter.map { " WHERE " + $0.sql } ?? ""),
                    arguments: StatementArguments(arguments)) ?? 0
            let summaries = try Self.summaries(
                db, where: filter, limit: max(query.limit, 0), offset: max(query.offset, 0))
            let jobs = try summaries.map { summary in
                try Self.overview(of: summary, sparkPoints: query.sparkPoints, db)
            }
            return OverviewPage(total: total, jobs: jobs)
        }
    }

    /// What a list line shows beyond the summary: a few indexed lookups for one job.
    private static func overview(of summary: JobSummary, sparkPoints: Int, _ db: Database) throws
        -> JobOverview
    {
        let key: StatementArguments = [summary.account, summary.id]
        let row = try Row.fetchOne(
            db, sql: "SELECT suffix, estimated_finish FROM jobs WHERE account = ? AND id = ?", arguments: key)
        let startedAt = try Int64.fetchOne(
            db,
            sql: """
                SELECT MIN(observed_at) FROM transitions
                WHERE account = ? AND job_id = ? AND to_status = 'running'
                """,
            arguments: key)
        var totalSteps: Int?
        var spark: [Double] = []
        if summary.steps > 0,
            let bounds = try Row.fetchOne(
                db, sql: "SELECT MIN(step), MAX(step) FROM steps WHERE account = ? AND job_id = ?",
                arguments: key),
            let first: Int = bounds[0], let last: Int = bounds[1]
        {
            totalSteps = try Int.fetchOne(
                db, sql: "SELECT total_steps FROM steps WHERE account = ? AND job_id = ? AND step = ?",
                arguments: key + [last])
            spark = try Self.spark(job: summary.key, first: first, last: last, points: sparkPoints, db)
        }
        var overview = JobOverview(
            summary: summary, suffix: row?["suffix"], totalSteps: totalSteps, startedAt: startedAt,
            estimatedFinish: row?["estimated_finish"], spark: spark)
        overview.alerts = try String.fetchAll(
            db, sql: "SELECT kind FROM alerts WHERE account = ? AND job_id = ? ORDER BY id", arguments: key
        ).compactMap(AlertKind.init(rawValue:))
        return overview
    }

    /// Train loss at `points` evenly spaced steps from `first` to `last`: one seek on the
    /// `(job_id, step)` key each, so a job of 100,000 steps costs what one of 40 does.
    private static func spark(job: JobKey, first: Int, last: Int, points: Int, _ db: Database) throws
        -> [Double]
    {
        let statement = try db.cachedStatement(
            sql: """
                SELECT step, train_loss FROM steps
                WHERE account = ? AND job_id = ? AND step >= ? AND train_loss IS NOT NULL ORDER BY step LIMIT 1
                """)
        var values: [Double] = []
        var previousStep = Int.min
        for target in Sparkline.targets(first: first, last: last, points: points) {
            guard
                let row = try Row.fetchOne(
                    statement, arguments: [job.account, job.id, max(target, previousStep + 1)])
            else {
                break
            }
            let step: Int = row[0]
            values.append(row[1])
            previousStep = step
        }
        return values
    }

    public func eventPage(_ query: EventPageQuery) throws -> EventPage {
        try writer.read { db in
            var conditions = [EventRecord.jobCondition]
            var arguments: [any DatabaseValueConvertible] = [query.job.account, query.job.id]
            if let level = query.level {
                conditions.append("e.level = ?")
                arguments.append(level)
            }
            // A search reads each event's message, said again where its step says it.
            var searching = false
            if let search = query.searchNeedle {
                searching = true
                conditions.append("instr(lower(\(EventRecord.messageSQL)), ?) > 0")
                arguments.append(search)
            }
            let matching = conditions.joined(separator: " AND ")
            let total =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM \(EventRecord.fromSQL(saying: searching)) WHERE \(matching)",
                    arguments: StatementArguments(arguments)) ?? 0
            var window = conditions
            var windowArguments = arguments
            if let before = query.before {
                window.append("(e.created_at < ? OR (e.created_at = ? AND e.seq < ?))")
                windowArguments += [before.createdAt, before.createdAt, before.seq]
            }
            if let after = query.after {
                window.append("(e.created_at > ? OR (e.created_at = ? AND e.seq > ?))")
                windowArguments += [after.createdAt, after.createdAt, after.seq]
            }
            let limit = max(query.limit, 0)
            // One more than asked tells whether an older page exists.
            let records = try EventRecord.fetchAll(
                db,
                sql: EventRecord.selectSQL(
                    where: window, order: "e.created_at DESC, e.seq DESC", limit: true),
                arguments: StatementArguments(windowArguments + [limit + 1]))
            let fetched = records.map { record in
                PagedEvent(
                    cursor: EventCursor(createdAt: record.createdAt, seq: record.seq ?? 0),
                    event: record.event)
            }
            return EventPage(total: total, fetched: fetched, limit: limit)
        }
    }
}
