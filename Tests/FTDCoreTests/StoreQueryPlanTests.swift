import GRDB
import Testing

@testable import FTDStore

/// History must stay fast on 10,000 jobs and 1,000,000 steps: every query reads through
/// an index, never a scan of steps or events, and sorts nothing in a temporary tree.
struct StoreQueryPlanTests {
    static func plan(_ sql: String, _ arguments: StatementArguments) throws -> String {
        let database = try AppDatabase.inMemory()
        return try database.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments)
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
    }

    @Test(arguments: [
        (AppDatabase.summarySQL(filter: nil), [-1] as StatementArguments),
        (AppDatabase.summarySQL(filter: "status = ?"), ["running", -1] as StatementArguments),
        (
            EventRecord.selectSQL(
                where: [EventRecord.jobCondition], order: "e.created_at DESC, e.seq DESC", limit: true),
            ["default", "ftjob-a", 8] as StatementArguments
        ),
        (
            "SELECT * FROM steps WHERE account = ? AND job_id = ? ORDER BY step",
            ["default", "ftjob-a"] as StatementArguments
        ),
        (
            EventRecord.selectSQL(where: [EventRecord.jobCondition], order: "e.created_at, e.seq"),
            ["default", "ftjob-a"] as StatementArguments
        ),
        (
            "SELECT id FROM events WHERE account = ? AND job_id = ? AND id IN (?, ?)",
            ["default", "ftjob-a", "ftevent-1", "ftevent-2"] as StatementArguments
        ),
        (
            "SELECT * FROM transitions WHERE account = ? AND job_id = ? ORDER BY id",
            ["default", "ftjob-a"] as StatementArguments
        ),
        (
            "SELECT * FROM checkpoints WHERE account = ? AND job_id = ? ORDER BY step_number IS NULL, step_number, created_at, id",
            ["default", "ftjob-a"] as StatementArguments
        ),
    ])
    func historyQueriesUseIndexes(_ sql: String, _ arguments: StatementArguments) throws {
        let plan = try Self.plan(sql, arguments)
        for table in ["steps", "events", "transitions", "step_rows", "event_rows", "job_keys"] {
            #expect(!plan.contains("SCAN \(table)"), "\(plan)")
        }
        #expect(!plan.contains("SCAN jobs\n") && !plan.hasSuffix("SCAN jobs"), "\(plan)")
        if !sql.contains("checkpoints") {
            #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        }
    }

    /// `ftd history` asks which accounts hold jobs before it lists them: one seek each.
    @Test(arguments: [
        (AppDatabase.firstAccountSQL, [] as StatementArguments),
        (AppDatabase.nextAccountSQL, ["default"] as StatementArguments),
    ])
    func theAccountsHoldingJobsAreFoundBySeeks(_ sql: String, _ arguments: StatementArguments) throws {
        let plan = try Self.plan(sql, arguments)
        #expect(plan.hasPrefix("SEARCH jobs USING COVERING INDEX jobs_on_account_created_at"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    /// The chart view of a job reads its few message events through the partial index,
    /// not the 100,000 metrics ones beside them.
    @Test func theChartViewReadsOnlyTheMessageEvents() throws {
        let plan = try Self.plan(
            EventRecord.selectSQL(
                where: [EventRecord.jobCondition, EventRecord.messagesOnlyCondition],
                order: "e.created_at, e.seq",
                messagesOnly: true),
            ["default", "ftjob-a"])
        #expect(plan.contains("event_rows_messages"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test func summariesAggregateManyStepsCorrectly() throws {
        let database = try AppDatabase.inMemory()
        try database.writer.write { db in
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
                    INSERT INTO jobs (account, id, status, created_at, raw_json, first_seen_at, updated_at)
                    SELECT 'default', printf('ftjob-%05d', i), 'succeeded', i, '{}', 0, 0 FROM n
                    """)
            try db.execute(
                sql: """
                    INSERT INTO job_keys (account, id) SELECT account, id FROM jobs;
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
                    INSERT INTO step_rows (job_key, step, train_loss)
                    SELECT job_keys.job_key, n.i, 1.0 / n.i FROM job_keys, n
                    """)
        }
        let summaries = try database.jobSummaries(limit: 3)
        #expect(summaries.map(\.id) == ["ftjob-00500", "ftjob-00499", "ftjob-00498"])
        #expect(summaries.allSatisfy { $0.steps == 200 && $0.lastTrainLoss == 1.0 / 200 })
    }
}
