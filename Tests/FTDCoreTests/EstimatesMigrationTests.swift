import Foundation
import GRDB
import Testing

@testable import FTDModel
@testable import FTDStore

/// `v9-estimates` (SPEC section 10): the daemon adds the table; a reader (`ftd history`,
/// `ftd serve`, `ftd report`) of a database an older daemon still runs on never migrates.
struct EstimatesMigrationTests {
    /// A database file with every migration up to `v8-accounts` and one finished job.
    static func v8Database() throws -> (directory: URL, path: String) {
        let directory = try StoreSample.temporaryDirectory()
        let path = directory.appendingPathComponent("ftd.sqlite3").path
        let queue = try DatabaseQueue(path: path)
        try AppDatabase.migrator.migrate(queue, upTo: "v8-accounts")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO jobs (account, id, status, model, created_at, finished_at, trained_tokens,
                        raw_json, first_seen_at, updated_at)
                    VALUES ('default', 'ftjob-a', 'succeeded', 'gpt-4o-mini-2024-07-18', 10, 1793491200,
                        1234567, '{}', 10, 10)
                    """)
        }
        try queue.close()
        return (directory, path)
    }

    /// Readers need `v10-alerts`, which comes after `v9-estimates`: a database an older
    /// daemon still runs on is refused with the restart hint, and left as it was.
    @Test func aReaderOfADatabaseWithoutEstimatesAsksForTheDaemonAndChangesNothing() throws {
        let (directory, path) = try Self.v8Database()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try AppDatabase.openForReading(path: path, logger: .quiet) }
        let tables = try DatabaseQueue(path: path).read { db in try db.tableExists("job_estimates") }
        #expect(!tables, "a reader created the table")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func theDaemonAddsTheTableAndKeepsEveryJob() throws {
        let (directory, path) = try Self.v8Database()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase.open(path: path, groupReadable: false, logger: .quiet)
        let job = JobKey(account: "default", id: "ftjob-a")
        try database.recordEstimate(
            TrainingEstimate(job: job, trainedTokens: 1_000_000, epochs: 3, estimatedAt: 5))
        #expect(try database.jobSummaries().first?.estimatedTrainedTokens == 1_000_000)
        #expect(try database.jobSummaries().first?.trainedTokens == 1_234_567)
        let columns = try database.writer.read { db in try db.columns(in: "job_estimates").map(\.name) }
        #expect(columns == ["account", "job_id", "estimated_tokens", "epochs", "estimated_at"])
    }
}
