import ArgumentParser
import FTDConfig
import FTDPostgres
import FTDStore
import Foundation
import Logging

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy the SQLite history into an empty PostgreSQL store (SPEC section 11).",
        discussion: """
            Copies every job, transition, event, step, checkpoint, alert, estimate, hook \
            delivery and hook run of the configured SQLite database (storage.database or \
            FTD_DATABASE) into the PostgreSQL store at --to, in one transaction, and checks \
            each table's row count before it commits: a copy cut short leaves the store \
            empty. The store must hold no history yet. Stop the daemon first (the file must \
            not change during the copy). The password comes from --password-file, else \
            PGPASSWORD. Then set storage.url to the same URL and start the daemons. \
            See docs/postgres.md.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp("The PostgreSQL store to copy into.", valueName: "postgres://USER@HOST:PORT/DB"))
    var to: String

    @Option(help: ArgumentHelp("A file holding the store's password (else PGPASSWORD).", valueName: "FILE"))
    var passwordFile: String?

    func run() async throws {
        let configuration = try global.loadConfiguration()
        if let store = configuration.storage.postgres {
            throw Failure(
                message:
                    "ftd migrate copies an SQLite database, and this configuration already uses \(store.displayName): point --config or FTD_DATABASE at the SQLite file",
                code: Failure.config)
        }
        var target = try PostgresSettings.parse(
            to, key: "--to",
            loginName: global.environment["PGUSER"] ?? global.environment["USER"] ?? "postgres")
        target.passwordFile = passwordFile
        let path = configuration.storage.database
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.databaseMissing(path: path)
        }
        // Held for the copy: a daemon writing meanwhile would leave its later rows behind.
        let lock = try DaemonLock.acquire(database: path, groupReadable: configuration.storage.groupReadable)
        defer { withExtendedLifetime(lock) {} }
        let source = try AppDatabase.openForReading(path: path)
        global.bootstrapLogging(quietLevel: .warning)
        let logger = Logger(label: "ftd")
        let store = try await PostgresStore.open(
            target, password: try PostgresPassword.resolve(target, environment: global.environment),
            logger: logger)
        defer { store.close() }
        let started = ContinuousClock.now
        let report: PostgresStore.ImportReport
        do {
            report = try await store.importHistory(from: source) { table, rows in
                FileHandle.standardError.write(Data("ftd: migrate: \(table): \(rows) row(s)\n".utf8))
            }
        } catch let error as PostgresStore.ImportError {
            throw Failure(message: "\(error)", code: Failure.dataError)
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let jobs = report.rows["jobs"] ?? 0
        let events = report.rows["events"] ?? 0
        let steps = report.rows["steps"] ?? 0
        Terminal.write(
            "copied \(jobs) job(s), \(events) event(s) and \(steps) step(s) from \(path) into \(target.displayName) in \(String(format: "%.1f", seconds)) s\n"
                + "next: set [storage] url = \"\(to)\" (and password_file) in the configuration, then start the daemons\n"
        )
    }
}
