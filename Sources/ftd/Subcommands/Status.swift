import ArgumentParser
import FTDConfig
import FTDDaemon
import FTDModel
import FTDPostgres
import FTDStore
import FTDTerminal
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Whether the daemon runs, how its last cycle went, what is active and pending.",
        discussion: """
            Reads the daemon's lock and the local database: no API key, no network. Exits 0 \
            whether or not the daemon runs (`--json` says which: "running"); 73 when the \
            database exists but cannot be read (after printing what is known). With \
            storage.url (a shared PostgreSQL store) it reads the store instead, from any \
            machine: which daemon leads (host, pid, its lease) and which stand by.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let configuration = try global.loadConfiguration()
        if let postgres = configuration.storage.postgres {
            return try await shared(configuration.storage, settings: postgres)
        }
        let path = configuration.storage.database
        let lock = DaemonLock.probe(database: path)
        var stored: StoredDaemonStatus?
        var alerts: [JobAlert] = []
        var problem: String?
        var info = stat()
        if stat(path, &info) == 0 {
            do {
                let store = SQLiteStore(try AppDatabase.openForReading(path: path))
                stored = try await store.daemonStatus()
                alerts = try await store.recentAlerts(limit: DaemonStatusReport.alertCount)
            } catch {
                problem = "\(error)"
            }
        } else if errno != ENOENT {
            // Not "no database yet": the directory is closed to this user.
            problem =
                "cannot read \(path): \(String(cString: strerror(errno))) (the daemon's group may: sudo usermod -aG ftd $USER)"
        }
        var report = DaemonStatusReport(database: path, lock: lock, stored: stored, databaseProblem: problem)
        report.alerts = alerts
        Terminal.write(
            json ? report.json().rendered() + "\n" : report.text(now: Int64(Date().timeIntervalSince1970)))
        if problem != nil { throw ExitCode(Failure.cannotCreate) }
    }

    /// The shared store (SPEC section 11): its lease and daemons, then what it says of the
    /// cycles, read without migrating (a reader never upgrades a store).
    private func shared(_ storage: StorageSettings, settings: PostgresSettings) async throws {
        var members: StoreMembers?
        var stored: StoredDaemonStatus?
        var alerts: [JobAlert] = []
        var problem: String?
        do {
            let store = try await StoreOpening.openForReading(storage)
            defer { (store as? PostgresStore)?.close() }
            members = try await (store as? any LeaderLease)?.members()
            stored = try await store.daemonStatus()
            alerts = try await store.recentAlerts(limit: DaemonStatusReport.alertCount)
        } catch let error as ConfigurationError {
            throw error
        } catch StoreError.databaseMissing {
            // No daemon has started on it yet: nothing to read, nothing wrong.
            members = StoreMembers(lease: nil, daemons: [])
        } catch {
            problem = "\(error)"
        }
        var report = DaemonStatusReport.shared(
            store: settings.displayName, members: members, stored: stored, problem: problem)
        report.alerts = alerts
        Terminal.write(
            json ? report.json().rendered() + "\n" : report.text(now: Int64(Date().timeIntervalSince1970)))
        if problem != nil { throw ExitCode(Failure.cannotCreate) }
    }
}
