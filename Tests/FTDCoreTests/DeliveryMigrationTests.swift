import Foundation
import GRDB
import Testing

@testable import FTDStore

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
        #expect(applied == StoreSample.migrations)
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

    /// A database an earlier release left with a pending delivery: attempt 1 ran and
    /// failed, attempt 2 was interrupted by a crash (marked by that release's restart),
    /// attempt 3 was cut short by a graceful stop.
    static func v4Database(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try AppDatabase.migrator.migrate(queue, upTo: "v4-step-summary")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO jobs (id, status, raw_json, first_seen_at, updated_at)
                    VALUES ('ftjob-old', 'succeeded', '{"id":"ftjob-old","status":"succeeded"}', 10, 10);
                    INSERT INTO transitions (id, job_id, from_status, to_status, observed_at, is_baseline)
                    VALUES (1, 'ftjob-old', 'running', 'succeeded', 10, 0);
                    INSERT INTO meta (key, value) VALUES ('baseline_completed_at', '5');
                    INSERT INTO deliveries (id, transition_id, job_id, hook, position, job_json, attempts, created_at)
                    VALUES ('dlv_old', 1, 'ftjob-old', 'notify', 0, '{"id":"ftjob-old","status":"succeeded"}', 3, 10);
                    INSERT INTO hook_runs (delivery_id, job_id, hook, attempt, status, exit_code, started_at, stderr, cut_by_stop)
                    VALUES ('dlv_old', 'ftjob-old', 'notify', 1, 'failed', 1, 11, 'boom', 0),
                        ('dlv_old', 'ftjob-old', 'notify', 2, 'failed', NULL, 12, 'interrupted: ftd stopped while the hook ran', 0),
                        ('dlv_old', 'ftjob-old', 'notify', 3, 'failed', NULL, 13, 'x', 1);
                    """)
        }
        try queue.close()
    }

    @Test func v5FlagsTheAttemptsAnEarlierReleaseMarkedInterrupted() throws {
        let directory = try StoreSample.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ftd.sqlite").path
        try Self.v4Database(at: path)

        let database = try AppDatabase.open(path: path, groupReadable: false, logger: .quiet)
        let flags = try database.writer.read { db in
            try Bool.fetchAll(db, sql: "SELECT interrupted FROM hook_runs ORDER BY attempt")
        }
        #expect(flags == [false, true, false])
        let pending = try #require(try database.pendingDeliveries().first)
        #expect(pending.attemptsMade == 1)  // only attempt 1 ran to its end
        #expect(pending.interruptedRuns == 1)
        // Attempts go on being numbered after the old ones.
        #expect(try database.beginAttempt(deliveryID: "dlv_old", startedAt: 20).attempt == 4)
    }

    /// A reader never migrates: a database an older ftd wrote is read once the daemon
    /// upgraded it, and until then the reader says so in one line, changing nothing.
    @Test func historyOfADatabaseNotYetUpgradedSaysHowToUpgradeIt() throws {
        let directory = try StoreSample.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ftd.sqlite").path
        try Self.v1Database(at: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        #expect {
            try AppDatabase.openForReading(path: path, logger: .quiet)
        } throws: { error in
            guard case StoreError.olderSchema(_, let missing) = error else { return false }
            return missing == "v8-accounts" && "\(error)".contains("restart the daemon")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let reader = try AppDatabase.open(path: path, groupReadable: false, logger: .quiet)
        #expect(try reader.jobDetail(id: "ftjob-old").hookRuns.isEmpty)
        let summary = try #require(try reader.jobSummaries().first)
        #expect(summary.steps == 3)
        #expect(summary.lastTrainLoss == 0.25)
    }

    @Test func aNewDatabaseHasEveryMigration() throws {
        let database = try AppDatabase.inMemory(logger: .quiet)
        let applied = try database.writer.read { db in try AppDatabase.migrator.appliedIdentifiers(db) }
        #expect(applied == StoreSample.migrations)
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
