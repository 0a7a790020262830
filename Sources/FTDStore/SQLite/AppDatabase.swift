import FTDConfig
import Foundation
import GRDB
import GRDBSQLite
import Logging

/// ftd's SQLite database: the one place that reads and writes it, each method one
/// transaction. The daemon writes through a WAL `DatabasePool` while `ftd history` reads
/// from another process.
public struct AppDatabase: Sendable {
    let writer: any DatabaseWriter
    let logger: Logger
    /// The files the daemon opened; nil for a database in memory or opened for reading.
    let openedFiles: OpenedDatabaseFiles?

    /// Runs the migrations that `writer`'s database lacks; `onMigrating` hears their names
    /// first, when there are any.
    init(
        writer: any DatabaseWriter, logger: Logger, openedFiles: OpenedDatabaseFiles? = nil,
        onMigrating: (([String]) -> Void)? = nil
    ) throws {
        self.writer = writer
        self.logger = logger
        self.openedFiles = openedFiles
        if let onMigrating {
            let applied = try writer.read { db in try Self.migrator.appliedIdentifiers(db) }
            let pending = Self.migrator.migrations.filter { !applied.contains($0) }
            if !pending.isEmpty { onMigrating(pending) }
        }
        try Self.migrator.migrate(writer)
    }

    /// Migrations that copy every row (`v8-accounts`): on a large database they take a
    /// while, which a start must say and systemd must wait for.
    public static let copyingMigrations: Set<String> = ["v8-accounts", "v12-compact-events"]

    /// Opens (creating it when missing) the daemon's database at `path`, with the file
    /// modes of SPEC section 4, checks that SQLite can write it and finds it intact, and
    /// brings its schema up to date. Storage faults throw their `StoreError`.
    /// - Parameter checkingIntegrity: whether to read every page first (`quick_check`,
    ///   about 6 ms a MB). The daemon does at its start; a command that records beside it
    ///   (`watch`, `submit`, …) would pay seconds on a large database before its first
    ///   request, and meets a damaged page as an error when it reads one.
    /// - Parameter onMigrating: hears the migrations an existing file is about to get,
    ///   before they run (the daemon logs them and asks systemd for time).
    public static func open(
        path: String, groupReadable: Bool, checkingIntegrity: Bool = true, logger: Logger,
        onMigrating: (([String]) -> Void)? = nil
    ) throws -> AppDatabase {
        let modes = DatabaseFileModes(groupReadable: groupReadable)
        try modes.createParentDirectories(of: path)
        let existed = FileManager.default.fileExists(atPath: path)
        if !existed {
            removeOrphanedCompanions(of: path, logger: logger)
            try createMigrated(at: path, modes: modes)
        }
        let database: AppDatabase
        do {
            var configuration = configuration(readonly: false)
            configuration.prepareDatabase { db in
                try Self.keepWALFiles(db)
                // The writer keeps SQLite's 2 MB page cache for a cycle's large
                // transactions; each reader answers small indexed queries.
                if db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -512") }
            }
            // The cycle reads from up to `PollCycle.concurrency` tasks; two readers serve
            // them, and every reader costs a page cache and its prepared statements.
            configuration.maximumReaderCount = 2
            if existed {
                try checkWritableAndIntact(
                    path: path, configuration: configuration, integrity: checkingIntegrity)
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            database = try AppDatabase(
                writer: pool, logger: logger, openedFiles: OpenedDatabaseFiles.of(path: path),
                onMigrating: existed ? onMigrating : nil)
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_NOTADB {
                throw StoreError.notAnFTDDatabase(path: path, reason: "not an SQLite file")
            }
            throw StoreError.translating(error, path: path)
                ?? StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        // SQLite gives -wal and -shm the database file's mode; applying it again covers a
        // database created by an older setup and a changed `storage.group_readable`.
        do {
            try modes.applyToDatabaseFiles(path)
        } catch {
            // A new file we cannot chmod is a real fault; an existing file owned by someone
            // else (an admin reading the daemon's database) is still usable as it is.
            if !existed { throw error }
            logger.warning(
                "cannot set the database permissions",
                metadata: ["database.path": "\(path)", "error": "\(error)"])
        }
        return database
    }

    /// SQLite opens a file it may not write read-only without a word, and reads pages only
    /// when a query needs them: both faults are found here, before the daemon starts,
    /// rather than by its first write or in the middle of a cycle. A plain connection: the
    /// pool's set-up writes (it creates a table when the WAL is empty), and nothing may
    /// write into a file before it is known to be intact.
    static func checkWritableAndIntact(path: String, configuration: GRDB.Configuration, integrity: Bool)
        throws
    {
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        let (readonly, check) = try queue.inDatabase { db in
            (
                sqlite3_db_readonly(db.sqliteConnection, "main") == 1,
                integrity ? try String.fetchAll(db, sql: "PRAGMA quick_check(1)") : ["ok"]
            )
        }
        if readonly {
            throw StoreError.readOnly(path: path, detail: "SQLite can open it for reading only")
        }
        if check != ["ok"] {
            // "*** in database main ***\nPage 78: btreeInitPage() returns error code 11"
            let detail = check.first?.split(separator: "\n").last.map(String.init)
            throw StoreError.corrupt(path: path, detail: detail ?? "quick_check found a fault")
        }
    }

    /// Before a new database is created at `path`: a `-wal` (or `-journal`) without its
    /// database belongs to one that was deleted, and SQLite would replay its pages into
    /// the new file (the old data, or a corrupt mix); a `.creating-PID` file is a creation
    /// that a crash cut short. The caller holds the daemon's lock: no one else creates.
    static func removeOrphanedCompanions(of path: String, logger: Logger) {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let unfinished = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix(name + ".creating-") }
            .map { (directory as NSString).appendingPathComponent($0) }
        for suffix in OpenedDatabaseFiles.companionSuffixes + ["-journal"] {
            let companion = path + suffix
            guard FileManager.default.fileExists(atPath: companion), unlink(companion) == 0 else { continue }
            logger.warning(
                "removed \(companion), left behind by a deleted database",
                metadata: ["database.path": "\(path)"])
        }
        for leftover in unfinished { unlink(leftover) }
    }

    /// Opens an existing database for `ftd history`: never creates, never migrates.
    public static func openForReading(path: String, logger: Logger = Logger(label: "ftd.store"))
        throws -> AppDatabase
    {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.databaseMissing(path: path)
        }
        let queue: DatabaseQueue
        do {
            var configuration = configuration(readonly: true)
            // Pages read in place rather than copied by a read() each: `ftd history` of a
            // long job reads thousands of them.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA mmap_size = 268435456") }
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_NOTADB {
                throw StoreError.notAnFTDDatabase(path: path, reason: "not an SQLite file")
            }
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        let hasSchema: Bool
        let missing: [String]
        do {
            (hasSchema, missing) = try queue.read { db in
                let applied = try Self.migrator.appliedIdentifiers(db)
                let hasJobs = try db.tableExists("jobs")
                let missing = Self.readerRequiredMigrations.filter { !applied.contains($0) }
                return (applied.contains("v1") && hasJobs, missing)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError.notAnFTDDatabase(path: path, reason: "not an SQLite file")
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        guard hasSchema else {
            throw StoreError.notAnFTDDatabase(path: path, reason: "it has no ftd tables")
        }
        if let first = missing.first { throw StoreError.olderSchema(path: path, missing: first) }
        return AppDatabase(readingFrom: queue, logger: logger)
    }

    /// The migrations the queries of a reader rely on: `v8-accounts` keys every row by its
    /// account, `v10-alerts` adds the alerts a job's history shows, `v12-compact-events`
    /// stores events and steps by an integer job key; every older one comes before them.
    static let readerRequiredMigrations = ["v8-accounts", "v10-alerts", "v12-compact-events"]

    /// A fresh database in memory, migrated: for tests.
    public static func inMemory(logger: Logger = Logger(label: "ftd.store")) throws -> AppDatabase {
        try AppDatabase(
            writer: DatabaseQueue(configuration: configuration(readonly: false)), logger: logger)
    }

    private init(readingFrom writer: any DatabaseWriter, logger: Logger) {
        self.writer = writer
        self.logger = logger
        self.openedFiles = nil
    }

    /// Persistent WAL: the `-wal` and `-shm` files stay when the daemon closes the
    /// database. A reader without write access to the directory (a member of the daemon's
    /// group running `ftd history`) can open a WAL database only when they exist.
    static func keepWALFiles(_ db: Database) throws {
        var flag: CInt = 1
        let code = withUnsafeMutablePointer(to: &flag) {
            sqlite3_file_control(db.sqliteConnection, nil, SQLITE_FCNTL_PERSIST_WAL, $0)
        }
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
    }

    private static func configuration(readonly: Bool) -> GRDB.Configuration {
        var configuration = GRDB.Configuration()
        configuration.readonly = readonly
        // The daemon and `ftd history` share the file: wait for the other's lock rather
        // than failing at once.
        configuration.busyMode = .timeout(TimeInterval(StoreError.busyTimeoutSeconds))
        configuration.label = "ftd"
        // A search through events' text says again the text of those stored without it.
        configuration.prepareDatabase { db in db.add(function: EventRecord.metricsMessageFunction) }
        return configuration
    }
}
