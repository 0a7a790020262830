import Foundation
import GRDB
import Testing

@testable import FTDStore

struct StoreFileTests {
    typealias S = StoreSample

    @Test(arguments: [(false, 0o600, 0o700), (true, 0o640, 0o750)])
    func createsTheDatabaseWithItsModes(groupReadable: Bool, fileMode: Int, directoryMode: Int) throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("state/ftd/ftd.sqlite3").path
        let database = try AppDatabase.open(path: path, groupReadable: groupReadable, logger: S.logger)
        _ = try database.record(cycle: CycleRecord(observedAt: 1, jobs: [S.job("ftjob-a", "running")]))

        // While the pool is open, the WAL companions exist and share the file's mode.
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(FileManager.default.fileExists(atPath: file), "\(file)")
            #expect(try S.mode(of: file) == fileMode, "\(file)")
        }
        #expect(try S.mode(of: root.appendingPathComponent("state/ftd").path) == directoryMode)
        #expect(try S.mode(of: root.appendingPathComponent("state").path) == directoryMode)
        let journal = try database.writer.read { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        #expect(journal == "wal")
    }

    @Test func aNewDatabaseAppearsAlreadyMigratedAndLeavesNoTemporaryFile() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("ftd.sqlite3").path
        try AppDatabase.createMigrated(at: path, modes: DatabaseFileModes(groupReadable: false))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["ftd.sqlite3"])
        #expect(try S.mode(of: path) == 0o600)
        // A reader arriving now (before the daemon opens its pool) finds ftd's schema.
        let reader = try AppDatabase.openForReading(path: path, logger: S.logger)
        #expect(try reader.jobSummaries().isEmpty)
    }

    @Test func reopeningAppliesAChangedGroupSetting() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("ftd.sqlite3").path
        _ = try AppDatabase.open(path: path, groupReadable: false, logger: S.logger)
        _ = try AppDatabase.open(path: path, groupReadable: true, logger: S.logger)
        #expect(try S.mode(of: path) == 0o640)
    }

    @Test func readingSeesWhatTheDaemonWrote() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("ftd.sqlite3").path
        let daemon = try AppDatabase.open(path: path, groupReadable: false, logger: S.logger)
        _ = try daemon.record(cycle: CycleRecord(observedAt: 1, jobs: [S.job("ftjob-a", "running")]))
        let reader = try AppDatabase.openForReading(path: path)
        #expect(try reader.jobSummaries().map(\.id) == ["ftjob-a"])
        #expect(throws: (any Error).self) {
            try reader.record(cycle: CycleRecord(observedAt: 2, jobs: [S.job("ftjob-b", "running")]))
        }
    }

    @Test func readingAMissingFileSaysWhatToDo() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("nothing.sqlite3").path
        #expect(throws: StoreError.databaseMissing(path: path)) {
            try AppDatabase.openForReading(path: path)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(StoreError.databaseMissing(path: path).description.contains("run `ftd run` first"))
    }

    @Test func readingAFileThatIsNotSQLiteFails() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("notes.txt").path
        try Data(String(repeating: "not a database at all\n", count: 100).utf8).write(
            to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notAnFTDDatabase(path: path, reason: "not an SQLite file")) {
            try AppDatabase.openForReading(path: path)
        }
    }

    @Test func readingAnotherProgramsSQLiteFails() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("other.sqlite3").path
        let other = try DatabaseQueue(path: path)
        try other.write { db in try db.execute(sql: "CREATE TABLE photos (id INTEGER PRIMARY KEY)") }
        try other.close()
        #expect(throws: StoreError.notAnFTDDatabase(path: path, reason: "it has no ftd tables")) {
            try AppDatabase.openForReading(path: path)
        }
        // Reading never migrates what it opens.
        let tables = try DatabaseQueue(path: path).read { db in try db.tableExists("jobs") }
        #expect(!tables)
    }

    @Test func openingAFileThatIsNotSQLiteForWritingFails() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("notes.txt").path
        try Data(String(repeating: "not a database at all\n", count: 100).utf8).write(
            to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) {
            try AppDatabase.open(path: path, groupReadable: false, logger: S.logger)
        }
    }
}
