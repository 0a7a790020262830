import GRDB
import GRDBSQLite
import Logging
import Testing

@testable import FTDEngine
@testable import FTDStore

/// Issue 19, item 2: one events page larger than SQLite's variable limit (32,766 in a
/// stock build, 250,000 in Debian's) made every cycle fail with "too many SQL variables".
/// The tests lower the limit of their connection to 999, the oldest builds' default, so
/// that a page of a few thousand events shows what one of 250,000 does on Debian.
@Suite("Pages larger than SQLite's variable limit")
struct LargePageTests {
    static let eventCount = 5_000

    static func databaseWithALowVariableLimit() throws -> AppDatabase {
        let store = try AppDatabase.inMemory()
        try store.write { db in
            _ = sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        }
        return store
    }

    @Test func aCycleRecordsAnEventsPageOfFortyThousandEventsOnce() async throws {
        let api = ScriptedAPI()
        let store = try Self.databaseWithALowVariableLimit()
        var cycle = PollCycle(api: api, store: SQLiteStore(store), logger: Logger.quiet, now: { 5000 })
        cycle.pageSizes.events = Self.eventCount + 10
        await api.add(job: "ftjob-big", status: "running", createdAt: 1)
        for number in 1...Self.eventCount {
            await api.emit("message \(number)", job: "ftjob-big", at: Int64(number))
        }
        let first = try await cycle.run()
        #expect(first.failures.isEmpty, "\(first.failures)")
        #expect(try store.jobDetail(id: "ftjob-big").events.count == Self.eventCount)

        // The next cycle asks which of the page's ids are stored: all of them.
        await api.emit("one more", job: "ftjob-big", at: Int64(Self.eventCount + 1))
        let second = try await cycle.run()
        #expect(second.failures.isEmpty, "\(second.failures)")
        let ids = (1...Self.eventCount).map { "ftevent-\($0)" } + ["ftevent-unknown"]
        #expect(try store.storedEventIDs(jobID: "ftjob-big", among: ids).count == Self.eventCount)
        #expect(try store.jobDetail(id: "ftjob-big").events.count == Self.eventCount + 1)
    }

    @Test func knownJobsAnswersForMoreIdsThanOneStatementBinds() throws {
        let store = try Self.databaseWithALowVariableLimit()
        let ids = (0..<40_000).map { "ftjob-\($0)" }
        #expect(try store.knownJobs(ids: ids).isEmpty)
    }
}
