import Foundation
import GRDB
import Testing

@testable import FTDModel
@testable import FTDStore

/// `v10-alerts` on a database of the previous release: what was active at the upgrade,
/// or still had its final sync to come, is judged only on what happens after it.
struct AlertsMigrationTests {
    @Test func jobsActiveOrAwaitingTheirFinalSyncAreWatchedFromTheUpgrade() throws {
        let directory = try StoreSample.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ftd.sqlite3").path
        let queue = try DatabaseQueue(path: path)
        try AppDatabase.migrator.migrate(queue, upTo: "v9-estimates")
        try queue.write { db in
            for (id, status, synced) in [
                ("ftjob-run", "running", false), ("ftjob-end", "succeeded", false),
                ("ftjob-old", "failed", true),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO jobs (account, id, status, raw_json, first_seen_at, updated_at, final_sync_done)
                        VALUES ('default', ?, ?, '{}', 10, 10, ?)
                        """, arguments: [id, status, synced])
                for step in 1...3 {
                    try db.execute(
                        sql:
                            "INSERT INTO steps (account, job_id, step, train_loss) VALUES ('default', ?, ?, 1.0)",
                        arguments: [id, step])
                }
            }
        }
        try queue.close()

        let upgraded = try AppDatabase.open(path: path, groupReadable: false, logger: StoreSample.logger)
        let watched = try upgraded.read { db in
            try Row.fetchAll(db, sql: "SELECT job_id, from_step FROM alert_watch ORDER BY job_id")
                .map { "\($0["job_id"] as String) \($0["from_step"] as Int)" }
        }
        #expect(watched == ["ftjob-end 3", "ftjob-run 3"])
    }
}
