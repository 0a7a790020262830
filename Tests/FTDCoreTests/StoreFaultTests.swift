import Foundation
import GRDB
import Synchronization
import Testing

@testable import FTDConfig
@testable import FTDDaemon
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// Storage faults (issue 5, item 4): how an SQLite failure becomes a `StoreError` a person
/// can act on, the deleted-database check, what `open` refuses, and what the poller does
/// with each. The behaviour of the built binary is in `StorageFaultTests`.
@Suite struct StoreFaultTests {
    typealias S = StoreSample

    static let path = "/var/lib/ftd/ftd.sqlite3"

    @Test(
        arguments: [
            (ResultCode.SQLITE_FULL, StoreError.full(path: path, detail: "m")),
            (.SQLITE_READONLY, .readOnly(path: path, detail: "m")),
            (.SQLITE_READONLY_RECOVERY, .readOnly(path: path, detail: "m")),
            (.SQLITE_READONLY_DBMOVED, .replaced(path: path)),
            (.SQLITE_PERM, .readOnly(path: path, detail: "m")),
            (.SQLITE_BUSY, .locked(path: path, detail: "m")),
            (.SQLITE_BUSY_SNAPSHOT, .locked(path: path, detail: "m")),
            (.SQLITE_LOCKED, .locked(path: path, detail: "m")),
            (.SQLITE_CORRUPT, .corrupt(path: path, detail: "m")),
            (.SQLITE_NOTADB, .corrupt(path: path, detail: "m")),
            (.SQLITE_IOERR_WRITE, .ioFailure(path: path, detail: "m")),
            (.SQLITE_IOERR_SHMSIZE, .ioFailure(path: path, detail: "m")),
            (.SQLITE_CANTOPEN, .ioFailure(path: path, detail: "m")),
        ])
    func sqliteStorageFailuresBecomeStoreErrors(code: ResultCode, expected: StoreError) {
        #expect(
            StoreError.fault(from: DatabaseError(resultCode: code, message: "m"), path: Self.path) == expected
        )
    }

    /// A constraint or an SQL error is ftd's bug, not the disk's: it stays what it is.
    @Test(arguments: [
        ResultCode.SQLITE_CONSTRAINT, .SQLITE_CONSTRAINT_FOREIGNKEY, .SQLITE_ERROR, .SQLITE_MISUSE,
    ])
    func otherFailuresAreNotStorageFaults(code: ResultCode) {
        #expect(StoreError.fault(from: DatabaseError(resultCode: code), path: Self.path) == nil)
    }

    @Test func theDaemonWaitsOutAFullReadOnlyOrLockedDiskAndStopsOnADamagedOrReplacedFile() {
        let waited: [StoreError] = [
            .full(path: Self.path, detail: ""), .readOnly(path: Self.path, detail: ""),
            .locked(path: Self.path, detail: ""), .ioFailure(path: Self.path, detail: ""),
        ]
        let stopping: [StoreError] = [.corrupt(path: Self.path, detail: ""), .replaced(path: Self.path)]
        #expect(waited.allSatisfy { $0.isTransient && $0.isStorageFault })
        #expect(stopping.allSatisfy { !$0.isTransient && $0.isStorageFault })
        let mistakes: [StoreError] = [.unknownJob(input: "x"), .databaseMissing(path: Self.path)]
        #expect(mistakes.allSatisfy { !$0.isTransient && !$0.isStorageFault })
    }

    @Test(
        arguments: [
            (StoreError.full(path: path, detail: "database or disk is full"), "free space"),
            (.readOnly(path: path, detail: "attempt to write a readonly database"), "writable"),
            (.locked(path: path, detail: "database is locked"), "locked by another process"),
            (.corrupt(path: path, detail: "database disk image is malformed"), "move the file"),
            (.replaced(path: path), "restart ftd to start a new one"),
            (.ioFailure(path: path, detail: "disk I/O error"), "check the disk"),
        ])
    func eachFaultIsOneLineNamingTheFileAndWhatToDo(fault: StoreError, advice: String) {
        let message = fault.description
        #expect(message.contains(Self.path))
        #expect(message.contains(advice), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test func anIOErrorIsNamedAfterWhatTheFileSystemShows() {
        let io = StoreError.ioFailure(path: Self.path, detail: "disk I/O error")
        let readOnly = io.refined(by: DatabaseFileSystemState(readOnly: true, availableBytes: 1 << 20))
        guard case .readOnly(_, let detail) = readOnly else {
            Issue.record("\(readOnly)")
            return
        }
        #expect(detail.contains("mounted read-only"))
        guard case .full = io.refined(by: DatabaseFileSystemState(readOnly: false, availableBytes: 0)) else {
            Issue.record("not full")
            return
        }
        #expect(io.refined(by: DatabaseFileSystemState(readOnly: false, availableBytes: 4096)) == io)
        #expect(io.refined(by: nil) == io)
        let locked = StoreError.locked(path: Self.path, detail: "database is locked")
        #expect(locked.refined(by: DatabaseFileSystemState(readOnly: true, availableBytes: 0)) == locked)
    }

    // MARK: The file under the daemon

    /// SQLite in WAL mode writes on into an unlinked file: every later cycle would be lost.
    /// And the old `-wal`, left at its path, would be replayed into the next database
    /// there: the daemon removes it when it finds its file gone.
    @Test(arguments: ["deleted", "replaced"])
    func aDatabaseDeletedOrReplacedUnderTheDaemonRefusesEveryWrite(how: String) throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("ftd.sqlite3").path
        let database = try AppDatabase.open(path: path, groupReadable: false, logger: S.logger)
        _ = try database.record(cycle: CycleRecord(observedAt: 1, jobs: [S.job("ftjob-old", "running")]))
        try database.checkFileInPlace()

        if how == "deleted" {
            try FileManager.default.removeItem(atPath: path)
        } else {
            // Another ftd database moved into place, as a restored backup would be.
            let other = root.appendingPathComponent("backup/ftd.sqlite3").path
            do {
                let backup = try AppDatabase.open(path: other, groupReadable: false, logger: S.logger)
                _ = try backup.record(
                    cycle: CycleRecord(observedAt: 1, jobs: [S.job("ftjob-backup", "running")]))
            }
            let queue = try DatabaseQueue(path: other)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try queue.close()
            #expect(rename(other, path) == 0)
        }
        #expect(throws: StoreError.replaced(path: path)) {
            try database.record(cycle: CycleRecord(observedAt: 2, jobs: [S.job("ftjob-old", "succeeded")]))
        }
        #expect(throws: StoreError.replaced(path: path)) { try database.markInterruptedAttempts() }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))

        let next = try AppDatabase.open(path: path, groupReadable: false, logger: S.logger)
        #expect(try next.jobSummaries().map(\.id) == (how == "deleted" ? [] : ["ftjob-backup"]))
        let check = try next.writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(check == ["ok"])
    }

    @Test func aDatabaseInMemoryHasNoFileToLose() throws {
        let database = try AppDatabase.inMemory(logger: S.logger)
        try database.checkFileInPlace()
    }

    /// Found while testing the deleted database: SQLite replayed the old `-wal` (kept by
    /// the persistent WAL) into the new file, bringing the deleted data back, or a corrupt
    /// mix of the two.
    @Test func aNewDatabaseIgnoresTheWALOfADeletedOne() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("ftd.sqlite3").path
        do {
            let old = try AppDatabase.open(path: path, groupReadable: false, logger: S.logger)
            _ = try old.record(cycle: CycleRecord(observedAt: 1, jobs: [S.job("ftjob-old", "running")]))
        }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        try FileManager.default.removeItem(atPath: path)
        // A creation a crash cut short leaves its temporary files.
        let unfinished = path + ".creating-999999"
        _ = FileManager.default.createFile(atPath: unfinished, contents: Data("x".utf8))
        _ = FileManager.default.createFile(atPath: unfinished + "-wal", contents: Data("x".utf8))

        let fresh = try AppDatabase.open(path: path, groupReadable: false, logger: S.logger)
        #expect(try !fresh.baselineCompleted())
        #expect(try fresh.jobSummaries().isEmpty)
        let check = try fresh.writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(check == ["ok"])
        let left = try FileManager.default.contentsOfDirectory(atPath: root.path)
        #expect(!left.contains { $0.contains(".creating-") }, "\(left)")
    }

    @Test func aTruncatedDatabaseIsFoundDamagedAtOpenAndLeftAsItIs() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("ftd.sqlite3").path
        do {
            let database = try AppDatabase.open(path: path, groupReadable: false, logger: S.logger)
            var cycle = CycleRecord(observedAt: 1, jobs: [S.job("ftjob-a", "running")])
            cycle.events["ftjob-a"] = (0..<3000).map {
                S.event(
                    "ftevent-\($0)", job: "ftjob-a", at: 1000 + Int64($0), String(repeating: "m", count: 200))
            }
            _ = try database.record(cycle: cycle)
        }
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(truncate(path, off_t(size / 2)) == 0)
        for companion in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + companion) }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        #expect {
            try AppDatabase.open(path: path, groupReadable: false, logger: S.logger)
        } throws: { error in
            guard case .corrupt(let failing, _) = error as? StoreError else { return false }
            return failing == path
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    /// The daemon reads every page at its start; a workflow command does not, and meets a
    /// damaged page only if it reads it.
    @Test func onlyTheDaemonChecksEveryPageAtOpen() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("ftd.sqlite3").path
        do {
            let database = try AppDatabase.open(path: path, groupReadable: false, logger: S.logger)
            var cycle = CycleRecord(observedAt: 1, jobs: [S.job("ftjob-a", "running")])
            cycle.events["ftjob-a"] = (0..<3000).map {
                S.event(
                    "ftevent-\($0)", job: "ftjob-a", at: 1000 + Int64($0), String(repeating: "m", count: 200))
            }
            _ = try database.record(cycle: cycle)
        }
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        // Garbage over the last pages: events written last, which opening never reads.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size - 8 * 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 8 * 4096))
        try handle.close()

        #expect {
            try AppDatabase.open(path: path, groupReadable: false, logger: S.logger)
        } throws: { error in
            guard case .corrupt = error as? StoreError else { return false }
            return true
        }
        let command = try AppDatabase.open(
            path: path, groupReadable: false, checkingIntegrity: false, logger: S.logger)
        #expect(try command.jobSummaries().map(\.id) == ["ftjob-a"])
    }

    // MARK: The poller

    /// A store whose every call fails with `fault`, as a full or replaced database does.
    struct FailingStore: PollStore {
        let fault: StoreError
        func baselineCompleted(account: String) throws -> Bool { throw fault }
        func knownJobs(account: String, ids: [String]) throws -> [String: KnownJob] { throw fault }
        func jobsNeedingSync(account: String) throws -> [KnownJob] { throw fault }
        func storedEventIDs(job: JobKey, among eventIDs: [String]) throws -> Set<String> { throw fault }
        func eventResumeCursor(job: JobKey) throws -> String? { throw fault }
        func recordCycle(_ cycle: CycleRecord, rule: TransitionRule) throws -> RecordedCycle { throw fault }
    }

    func poller(failingWith fault: StoreError, onCycle: @escaping @Sendable (PollerService.Tick) -> Void)
        throws -> PollerService
    {
        var configuration = Configuration(storage: StorageSettings(database: Self.path))
        configuration.poll.interval = 1
        configuration.poll.idleInterval = 1
        let outbox = try AppDatabase.inMemory()
        let cycle = PollCycle(api: ScriptedAPI(), store: FailingStore(fault: fault), logger: .quiet)
        let dispatcher = HookDispatcher(
            outbox: SQLiteStore(outbox), runner: HookRunner(apiKeyVariable: "K", logger: .quiet), hooks: [],
            databasePath: Self.path, logger: .quiet)
        let live = LiveConfiguration(
            .init(configuration: configuration, cycle: cycle, dispatcher: dispatcher))
        return PollerService(live: live, logger: .quiet) { tick in onCycle(tick) }
    }

    @Test(.timeLimit(.minutes(1))) func aFullDiskFailsTheCycleAndThePollerGoesOn() async throws {
        let fault = StoreError.full(path: Self.path, detail: "database or disk is full")
        let ticks = Mutex<[PollerService.Tick]>([])
        let poller = try poller(failingWith: fault) { tick in ticks.withLock { $0.append(tick) } }
        let running = Task { try await poller.run() }
        while ticks.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(20)) }
        running.cancel()
        try await running.value
        let seen = ticks.withLock { $0 }
        #expect(seen.allSatisfy { $0.storeFault == fault && $0.report == nil })
        #expect(seen.allSatisfy { $0.outcome.result == .failed })
    }

    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            StoreError.replaced(path: path), .corrupt(path: path, detail: "database disk image is malformed"),
        ])
    func aReplacedOrDamagedDatabaseStopsThePoller(fault: StoreError) async throws {
        let poller = try poller(failingWith: fault) { _ in }
        await #expect(throws: fault) { try await poller.run() }
    }
}
