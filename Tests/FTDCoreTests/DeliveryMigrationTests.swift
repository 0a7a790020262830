import Foundation
import GRDB
import Testing

@testable import FTDCore

struct DeliveryMigrationTests {
    typealias D = DeliverySample

    /// A database file as the release before hooks left it: only `v1`, with data.
    static func v1Database(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try AppDatabase.migrator.migrate(queue, upTo: "v1")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO jobs (id, status, raw_json, first_seen_at, updated_at)
                    VALUES ('ftjob-old', 'running', '{"id":"ftjob-old","status":"running"}', 10, 10);
                    INSERT INTO transitions (job_id, from_status, to_status, observed_at, is_baseline)
                    VALUES ('ftjob-old', NULL, 'running', 10, 1);
                    INSERT INTO meta (key, value) VALUES ('baseline_completed_at', '10');
                    INSERT INTO steps (job_id, step, train_loss) VALUES
                        ('ftjob-old', 1, 1.5), ('ftjob-old', 3, 0.25), ('ftjob-old', 2, 0.75);
                    """)
        }
        try queue.close()
    }

    @Test func v2AddsTheHookTablesAndKeepsV1Data() throws {
        let directory = try StoreSample.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ftd.sqlite").path
        try Self.v1Database(at: path)

        let database = try AppDatabase.open(path: path, groupReadable: false, logger: .quiet)
        let applied = try database.writer.read { db in try AppDatabase.migrator.appliedIdentifiers(db) }
        #expect(applied == ["v1", "v2-hooks", "v3-graceful-stop", "v4-step-summary", "v5-observed-instant"])
        #expect(try database.baselineCompleted())
        // v4 fills the stored step summary from the steps already there.
        let summary = try #require(try database.jobSummaries().first)
        #expect(summary.steps == 3)
        #expect(summary.lastTrainLoss == 0.25)
        let detail = try database.jobDetail(id: "ftjob-old")
        #expect(detail.transitions.map(\.to) == ["running"])
        #expect(detail.hookRuns.isEmpty)

        // The old job's next transition is an ordinary, hook-firing one.
        _ = try database.record(
            cycle: D.cycle(at: 20, [("ftjob-old", "succeeded")], hooks: [D.hook("notify", on: ["succeeded"])])
        )
        let pending = try database.pendingDeliveries()
        #expect(pending.map(\.transition.from) == ["running"])
        #expect(pending.map(\.job.id) == ["ftjob-old"])
    }

    @Test func historyReadsAV1DatabaseWithoutHookTables() throws {
        let directory = try StoreSample.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ftd.sqlite").path
        try Self.v1Database(at: path)

        let reader = try AppDatabase.openForReading(path: path, logger: .quiet)
        #expect(try reader.jobDetail(id: "ftjob-old").hookRuns.isEmpty)
        // Without `v4-step-summary` the listing counts the steps itself.
        let summary = try #require(try reader.jobSummaries().first)
        #expect(summary.steps == 3)
        #expect(summary.lastTrainLoss == 0.25)
        #expect(try reader.hookRuns(failedOnly: false, limit: 10).isEmpty)
    }

    @Test func aNewDatabaseHasEveryMigration() throws {
        let database = try AppDatabase.inMemory(logger: .quiet)
        let applied = try database.writer.read { db in try AppDatabase.migrator.appliedIdentifiers(db) }
        #expect(applied == ["v1", "v2-hooks", "v3-graceful-stop", "v4-step-summary", "v5-observed-instant"])
        for table in ["deliveries", "hook_runs"] {
            #expect(try database.writer.read { db in try db.tableExists(table) })
        }
    }

    @Test func pendingDeliveriesAreReadThroughTheirIndex() throws {
        let database = try AppDatabase.inMemory(logger: .quiet)
        let plan = try database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT * FROM deliveries WHERE status = 'pending'
                    ORDER BY transition_id, position
                    """
            ).map { $0["detail"] as String? ?? "" }.joined(separator: "\n")
        }
        #expect(plan.contains("USING INDEX deliveries_"))
        #expect(!plan.contains("TEMP B-TREE"))
    }
}
