import ArgumentParser
import FTDCore
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Whether the daemon runs, how its last cycle went, what is active and pending.",
        discussion: """
            Reads the daemon's lock and the local database: no API key, no network. Exits 0 \
            whether or not the daemon runs; `--json` says which ("running").
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let configuration = try global.loadConfiguration()
        let path = configuration.storage.database
        let lock = DaemonLock.probe(database: path)
        var stored: StoredDaemonStatus?
        if FileManager.default.fileExists(atPath: path) {
            stored = try AppDatabase.openForReading(path: path).daemonStatus()
        }
        let report = DaemonStatusReport(database: path, lock: lock, stored: stored)
        Terminal.write(
            json ? report.json().rendered() + "\n" : report.text(now: Int64(Date().timeIntervalSince1970)))
    }
}
