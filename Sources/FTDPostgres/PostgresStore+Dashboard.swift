import FTDModel
import FTDStore
import Logging
import PostgresNIO

/// The reads behind the dashboard's list and Messages panel, as the SQLite store makes
/// them (`AppDatabase+Dashboard.swift`). A search matches as SQLite's
/// `instr(lower(text), needle)`: `lower` of the `C` collation lowers ASCII letters only, as
/// SQLite's does, and `strpos` finds the needle as it is typed (`%` and `_` included).
extension PostgresStore {
    public func jobOverview(_ query: OverviewQuery) async throws -> OverviewPage {
        var values = BoundValues()
        var conditions: [String] = []
        if let filter = Self.listingFilter(status: query.status, account: query.account, &values) {
            conditions.append(filter)
        }
        if let needle = query.searchNeedle.map({ values.bind($0) }) {
            let columns = [
                "jobs.id", "COALESCE(jobs.suffix, '')", "COALESCE(jobs.model, '')",
                "COALESCE(jobs.fine_tuned_model, '')",
            ]
            let found = columns.map { "strpos(lower(\($0) \(bytewise)), \(needle)) > 0" }
            conditions.append("(" + found.joined(separator: " OR ") + ")")
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let counting = values.query("SELECT COUNT(*) FROM jobs" + filter)
        let page = Self.overviewSQL(
            filter: filter, limit: values.bind(max(query.limit, 0)), offset: values.bind(max(query.offset, 0))
        )
        return try await reading { connection in
            var total = 0
            for try await count in try await connection.query(counting, logger: logger).decode(Int.self) {
                total = count
            }
            var jobs: [(overview: JobOverview, bounds: (first: Int, last: Int)?)] = []
            for try await row in try await connection.query(values.query(page), logger: logger) {
                jobs.append(try Self.overview(row))
            }
            for index in jobs.indices {
                guard let bounds = jobs[index].bounds else { continue }
                jobs[index].overview.spark = try await Self.spark(
                    job: jobs[index].overview.summary.key,
                    targets: Sparkline.targets(
                        first: bounds.first, last: bounds.last, points: query.sparkPoints),
                    connection, logger)
            }
            return OverviewPage(total: total, jobs: jobs.map(\.overview))
        }
    }

    /// A page of the list: the summaries `filter` selects, newest first, and what a list
    /// line shows besides (a few indexed lookups for each job of the page only).
    static func overviewSQL(filter: String, limit: String, offset: String) -> String {
        """
        WITH page AS MATERIALIZED (
            SELECT \(summaryColumns), jobs.suffix, jobs.estimated_finish
            FROM \(summaryTables)\(filter)
            ORDER BY \(newestFirst()) LIMIT \(limit) OFFSET \(offset)
        )
        SELECT page.*,
            (SELECT MIN(observed_at) FROM transitions
                WHERE transitions.account = page.account AND transitions.job_id = page.id
                    AND transitions.to_status = 'running'),
            bounds.first, bounds.last,
            (SELECT total_steps FROM steps
                WHERE steps.account = page.account AND steps.job_id = page.id AND steps.step = bounds.last),
            ARRAY(SELECT kind FROM alerts WHERE alerts.account = page.account AND alerts.job_id = page.id
                ORDER BY alerts.id)
        FROM page
        LEFT JOIN LATERAL (
            SELECT MIN(step) AS first, MAX(step) AS last FROM steps
            WHERE steps.account = page.account AND steps.job_id = page.id
        ) AS bounds ON TRUE
        ORDER BY \(newestFirst("page"))
        """
    }

    /// A row of `overviewSQL`, and the steps its sparkline spans when it has one.
    static func overview(_ row: PostgresRow) throws -> (
        overview: JobOverview, bounds: (first: Int, last: Int)?
    ) {
        let summary = try jobSummary(row)
        let cells = row.makeRandomAccess()
        var bounds: (first: Int, last: Int)?
        var totalSteps: Int?
        if summary.steps > 0, let first = try cells[17].decode(Int?.self),
            let last = try cells[18].decode(Int?.self)
        {
            bounds = (first, last)
            totalSteps = try cells[19].decode(Int?.self)
        }
        var overview = JobOverview(
            summary: summary, suffix: try cells[14].decode(String?.self), totalSteps: totalSteps,
            startedAt: try cells[16].decode(Int64?.self), estimatedFinish: try cells[15].decode(Int64?.self))
        overview.alerts = try cells[20].decode([String].self).compactMap(AlertKind.init(rawValue:))
        return (overview, bounds)
    }

    /// The train loss at each of `targets` (`Sparkline`): for each in turn, the first step
    /// with a train loss at or above it and above the step found before, until one finds
    /// none. One statement, the seeks chained on the server (one index seek each).
    static func spark(job: JobKey, targets: [Int], _ connection: PostgresConnection, _ logger: Logger)
        async throws -> [Double]
    {
        guard !targets.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            WITH RECURSIVE spark (i, step, loss) AS (
                (SELECT 1, step, train_loss FROM steps
                    WHERE account = \(job.account) AND job_id = \(job.id) AND step >= \(targets[0])
                        AND train_loss IS NOT NULL
                    ORDER BY step LIMIT 1)
                UNION ALL
                SELECT spark.i + 1, next.step, next.train_loss FROM spark CROSS JOIN LATERAL (
                    SELECT step, train_loss FROM steps
                    WHERE account = \(job.account) AND job_id = \(job.id)
                        AND step >= (\(targets)::bigint[])[spark.i + 1] AND step > spark.step
                        AND train_loss IS NOT NULL
                    ORDER BY step LIMIT 1
                ) AS next
                WHERE spark.i < \(targets.count)
            )
            SELECT loss FROM spark ORDER BY i
            """, logger: logger)
        var values: [Double] = []
        for try await loss in rows.decode(Double.self) { values.append(loss) }
        return values
    }

    public func eventPage(_ query: EventPageQuery) async throws -> EventPage {
        var values = BoundValues()
        var conditions = [
            "account = \(values.bind(query.job.account))", "job_id = \(values.bind(query.job.id))",
        ]
        if let level = query.level { conditions.append("level = \(values.bind(level))") }
        if let needle = query.searchNeedle {
            conditions.append("strpos(lower(message \(bytewise)), \(values.bind(needle))) > 0")
        }
        let counting = values.query(
            "SELECT COUNT(*) FROM events WHERE " + conditions.joined(separator: " AND "))
        if let before = query.before {
            conditions.append(
                "(created_at, seq) < (\(values.bind(before.createdAt)), \(values.bind(before.seq)))")
        }
        if let after = query.after {
            conditions.append(
                "(created_at, seq) > (\(values.bind(after.createdAt)), \(values.bind(after.seq)))")
        }
        let limit = max(query.limit, 0)
        // One more than asked tells whether an older page exists.
        let page = """
            SELECT seq, id, created_at, level, type, message, data_json FROM events
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY created_at DESC, seq DESC LIMIT \(values.bind(limit + 1))
            """
        return try await reading { connection in
            var total = 0
            for try await count in try await connection.query(counting, logger: logger).decode(Int.self) {
                total = count
            }
            let fetched = try await Self.events(values.query(page), query.job, connection, logger)
            return EventPage(total: total, fetched: fetched, limit: limit)
        }
    }
}
