import ArgumentParser
import FTDModel
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
            database exists but cannot be read (after printing what is known).
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let configuration = try global.loadConfiguration()
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
}
