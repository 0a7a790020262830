import ArgumentParser
import FTDConfig
import FTDDaemon
import FTDModel
import FTDStore
import FTDWeb
import Foundation
import Logging
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Serve the dashboard, the JSON API, /metrics and /healthz of [http] from the database alone (read-only).",
        discussion: """
            Reads only the local database (storage.database): no API key, no network beyond \
            the listening socket. Listens where [http] listen says; with http.token_file every \
            request needs Authorization: Bearer TOKEN. `ftd run` serves the same when [http] is \
            set. Stops on SIGTERM/SIGINT.
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.loadConfiguration()
        guard let http = configuration.http else {
            throw Failure(
                message:
                    "ftd serve needs an [http] table with listen = \"127.0.0.1:8327\" in \(configuration.sourcePath ?? "the configuration (none was found)")",
                code: Failure.config)
        }
        let token = try http.tokenFile.map { file throws(ConfigurationError) in try HTTPToken.read(file) }
        global.bootstrapLogging()
        let logger = Logger(label: "ftd")
        let store = try await StoreOpening.openForReading(configuration.storage, logger: logger)
        let server = WebServer(
            settings: http, token: token, store: store, poll: configuration.poll, logger: logger,
            version: BuildInfo.version, readOnly: true, accounts: configuration.accounts.map(\.name),
            prices: configuration.priceBook)
        let service = server.service { port in
            Terminal.write("ftd: dashboard on http://\(http.authority(port: port))/\n")
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
