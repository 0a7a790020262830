import Foundation
import GRDB
import Testing

@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// `v8-accounts` on a database the last single-account release wrote (schema v7, kept in
/// `Tests/Databases` with what that release's `ftd history --json` and
/// `ftd history JOB --json` printed): everything reads as before, in the `default`
/// account, and the daemon goes on from where it was (SPEC section 8).
struct AccountsMigrationTests {
    /// Tests/FTDCoreTests/… → Tests/Databases
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Databases")
    static let jobID = "ftjob-aNABelDdD7IXcBpvziw66sSy"
    /// Every table of v7 that holds a job's facts, and the outbox.
    static let tables = [
        "jobs", "transitions", "events", "steps", "checkpoints", "step_summaries", "deliveries", "hook_runs",
    ]

    static func fixture(_ suffix: String) -> URL {
        directory.appendingPathComponent("v7-single-account" + suffix)
    }

    /// A copy of the v7 database in a fresh directory: the fixture itself is never opened.
    static func copy() throws -> (directory: URL, path: String) {
        let directory = try StoreSample.temporaryDirectory()
        let path = directory.appendingPathComponent("ftd.sqlite3").path
        try FileManager.default.copyItem(atPath: fixture(".sqlite3").path, toPath: path)
        return (directory, path)
    }

    /// Each table's rows, every column of v7 (so not `account`), in a fixed order.
    static func rows(_ db: Database, columnsOf columns: [String: [String]]) throws -> [String: [Row]] {
        var rows: [String: [Row]] = [:]
        for table in tables {
            let list = try #require(columns[table]).joined(separator: ", ")
            rows[table] = try Row.fetchAll(db, sql: "SELECT \(list) FROM \(table) ORDER BY \(list)")
        }
        // Since v12 an event's text may be said again from its step: read as ftd reads it.
        if try db.tableExists("event_rows") {
            let names = try #require(columns["events"])
            #expect(names.first == "seq", "the rows are in the order of their first column")
            rows["events"] = try EventRecord.fetchAll(
                db, sql: EventRecord.selectSQL(where: ["1"], order: "e.seq")
            )
            .map { event -> Row in
                let values: [String: (any DatabaseValueConvertible)?] = [
                    "seq": event.seq, "id": event.id, "job_id": event.jobID, "created_at": event.createdAt,
                    "level": event.level, "type": event.type, "message": event.message,
                    "data_json": event.dataJSON,
                ]
                // A row with the columns in their order, as the query above gives them.
                return try #require(
                    try Row.fetchOne(
                        db, sql: "SELECT " + names.map { "? AS \($0)" }.joined(separator: ", "),
                        arguments: StatementArguments(names.map { values[$0] ?? nil })))
            }
        }
        return rows
    }

    static func columns(_ db: Database) throws -> [String: [String]] {
        var columns: [String: [String]] = [:]
        for table in tables { columns[table] = try db.columns(in: table).map(\.name) }
        return columns
    }

    /// What `ftd history --json` prints of `json`, and that text without the lines of the
    /// job summaries' `"account": "default"` and of their `cost_usd` and `cost_estimated`
    /// (SPEC section 10, added since), with how many accounts there were.
    static func printed(_ json: JSONValue) -> (text: String, withoutAccounts: String, accounts: Int) {
        let text = json.rendered() + "\n"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).filter {
            let line = $0.trimmingCharacters(in: .whitespaces)
            return !line.hasPrefix(#""cost_usd": "#) && !line.hasPrefix(#""cost_estimated": "#)
        }
        let kept = lines.filter { $0.trimmingCharacters(in: .whitespaces) != #""account": "default","# }
        return (text, kept.joined(separator: "\n"), lines.count - kept.count)
    }

    static func oldOutput(_ suffix: String) throws -> String {
        try String(contentsOf: fixture(suffix), encoding: .utf8)
    }

    @Test func theFixtureIsASingleAccountDatabaseOfSchemaV7() throws {
        let (directory, path) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let queue = try DatabaseQueue(path: path)
        let applied = try queue.read { db in try AppDatabase.migrator.appliedIdentifiers(db) }
        #expect(
            applied
                == StoreSample.migrations.subtracting([
                    "v8-accounts", "v9-estimates", "v10-alerts", "v11-loss-scans", "v12-compact-events",
                ]))
        let accountColumns = try queue.read { db in
            try Self.tables.filter { table in try db.columns(in: table).contains { $0.name == "account" } }
        }
        #expect(accountColumns.isEmpty)
        try queue.close()
    }

    @Test func historyReadsAsTheOldReleasePrintedItWithTheDefaultAccountAdded() throws {
        let (directory, path) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase.open(path: path, groupReadable: false, logger: .quiet)

        let summaries = try database.jobSummaries()
        #expect(summaries.count == 4)
        #expect(summaries.allSatisfy { $0.account == DefaultAccount.name })
        let listing = Self.printed(HistoryJSON.summaries(summaries, prices: PriceBook()))
        #expect(listing.accounts == 4, "\(listing.text)")
        #expect(listing.withoutAccounts == (try Self.oldOutput(".history.json")))

        let job = try database.resolveJob(Self.jobID)
        #expect(job == JobKey(account: DefaultAccount.name, id: Self.jobID))
        // Alerts came later (v10): the old release printed none, the migrated job has none.
        var json = try #require(
            HistoryJSON.detail(try database.jobDetail(job: job), prices: PriceBook()).objectValue)
        #expect(json.removeValue(forKey: "alerts") == .array([]))
        let detail = Self.printed(.object(json))
        #expect(detail.accounts == 1)
        let old = try Self.oldOutput(".job.json")
        #expect(detail.withoutAccounts == old)
        // Line by line too, so that a failure says where.
        for (new, old) in zip(detail.withoutAccounts.split(separator: "\n"), old.split(separator: "\n"))
        where new != old {
            Issue.record("\(new) != \(old)")
            break
        }
    }

    @Test func everyRowTheBaselineAndTheLastCycleCarryOverToTheDefaultAccount() throws {
        let (directory, path) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let queue = try DatabaseQueue(path: path)
        let (columns, before, meta) = try queue.read { db in
            let columns = try Self.columns(db)
            return (
                columns, try Self.rows(db, columnsOf: columns),
                try Row.fetchAll(db, sql: "SELECT key, value FROM meta ORDER BY key")
            )
        }
        try queue.close()
        #expect(before.values.allSatisfy { !$0.isEmpty }, "the fixture has rows in every table")
        let oldCycle = try #require(meta.first { $0["key"] == "daemon.last_cycle" }?["value"] as String?)

        let database = try AppDatabase.open(path: path, groupReadable: false, logger: .quiet)
        let (after, accounts, leftMeta) = try database.writer.read { db in
            (
                try Self.rows(db, columnsOf: columns),
                try Dictionary(
                    uniqueKeysWithValues: Self.tables.map { table in
                        (table, try String.fetchAll(db, sql: "SELECT DISTINCT account FROM \(table)"))
                    }),
                try String.fetchAll(db, sql: "SELECT key FROM meta ORDER BY key")
            )
        }
        for table in Self.tables {
            #expect(after[table] == before[table], "\(table)")
            #expect(accounts[table] == [DefaultAccount.name], "\(table)")
        }
        // The per-account state left `meta` for `accounts`.
        #expect(!leftMeta.contains { ["baseline_completed_at", "daemon.last_cycle"].contains($0) })

        let status = try database.daemonStatus()
        let account = try #require(status.accounts.first)
        #expect(status.accounts.map(\.name) == [DefaultAccount.name])
        #expect(account.baselineCompletedAt == 1_796_595_138)
        #expect(account.lastCompleteCycleAt == 1_796_595_167)
        #expect(account.lastCycle == AppDatabase.decodedOutcome(oldCycle))
        #expect(account.lastCycle?.result == .complete)
        #expect(account.lastError == nil)
        #expect((account.jobs, account.activeJobs) == (4, 0))
        #expect(try database.baselineCompleted(account: DefaultAccount.name))
        #expect(try database.metricsSnapshot().lastCompleteCycleAt == [DefaultAccount.name: 1_796_595_167])

        // The outbox: every delivery done as it was, each attempt still listed.
        #expect(try database.pendingDeliveries().isEmpty)
        let runs = try database.hookRuns(failedOnly: false, limit: 10)
        #expect(runs.count == 3)
        #expect(runs.allSatisfy { $0.account == DefaultAccount.name })
        #expect(Set(runs.map(\.status)) == ["succeeded", "failed"])
        // Attempts go on being numbered after the old ones.
        let failed = try #require(runs.first { $0.status == "failed" })
        let rows = try #require(before["hook_runs"]).filter { $0["delivery_id"] == failed.deliveryID }
        #expect(
            try database.beginAttempt(deliveryID: failed.deliveryID, startedAt: 1_796_600_000).attempt == rows
                .count + 1)
    }

    @Test func theDaemonGoesOnFromTheCarriedBaselineAndANewAccountStartsItsOwn() throws {
        let (directory, path) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase.open(path: path, groupReadable: false, logger: .quiet)
        let hook = DeliverySample.hook("notify", on: ["*"])

        var old = CycleRecord(observedAt: 1_796_600_000, jobs: [StoreSample.job("ftjob-new", "queued")])
        old.hooks = [hook]
        #expect(try database.record(cycle: old).map(\.isBaseline) == [false])
        var added = CycleRecord(observedAt: 1_796_600_000, jobs: [StoreSample.job(Self.jobID, "succeeded")])
        added.account = "research"
        added.hooks = [hook]
        #expect(try database.record(cycle: added).map(\.isBaseline) == [true])
        #expect(try database.pendingDeliveries().map(\.transition.job.description) == ["default/ftjob-new"])
        // The same id, now in two accounts, is ambiguous unless named.
        #expect(throws: StoreError.self) { try database.resolveJob(Self.jobID) }
        #expect(try database.resolveJob("research/" + Self.jobID).account == "research")
    }

    @Test func openingTheMigratedDatabaseAgainChangesNothing() throws {
        let (directory, path) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        func snapshot(_ database: AppDatabase) throws -> [String: [Row]] {
            try database.writer.read { db in
                var rows: [String: [Row]] = [:]
                for table in Self.tables + ["accounts", "meta", "grdb_migrations"] {
                    let columns = try db.columns(in: table).map(\.name).joined(separator: ", ")
                    rows[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(columns)")
                }
                rows["schema"] = try Row.fetchAll(
                    db, sql: "SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
                return rows
            }
        }
        let first = try snapshot(try AppDatabase.open(path: path, groupReadable: false, logger: .quiet))
        let again = try AppDatabase.open(path: path, groupReadable: false, logger: .quiet)
        #expect(try snapshot(again) == first)
        let applied = try again.writer.read { db in try AppDatabase.migrator.appliedIdentifiers(db) }
        #expect(applied == StoreSample.migrations)
        // And a reader, which never migrates, now reads it.
        let reader = try AppDatabase.openForReading(path: path, logger: .quiet)
        #expect(try reader.jobSummaries().count == 4)
    }
}
