import ArgumentParser
import AsyncHTTPClient
import FTDAPI
import FTDConfig
import FTDDaemon
import FTDEngine
import FTDModel
import FTDSimulator
import FTDStore
import FTDTerminal
import FTDWeb
import Foundation
import Logging
import ServiceLifecycle

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch a simulated fine-tuning job from start to finish (about 20 s).",
        discussion: """
            Starts the built-in simulator on a free loopback port, runs the daemon against \
            it with a temporary database, shows each status change as it happens, then \
            prints `ftd history` and the job's own view. The dashboard is served while the \
            demo runs (on --listen, or a free port when that one is taken); with --serve it \
            stays on, read-only, until Ctrl-C. Leaves nothing running. \
            --scenario shows an alert firing instead (slow-queue, stalled, diverging, \
            overfitting; within about a minute): the demo's daemon judges with \
            queued_after = stalled_after = 30 s.
            """)

    @Option(help: "How many times faster than real time the simulated job runs.")
    var speed: Double = 20

    @Flag(help: "Keep the temporary database and print its path.")
    var keep = false

    @Flag(name: .shortAndLong, help: "Show the daemon's log too.")
    var verbose = false

    @Option(help: "Where the dashboard listens (loopback HOST:PORT); a free port when this one is taken.")
    var listen = "127.0.0.1:8327"

    @Flag(help: "Keep the dashboard on after the job is done, until Ctrl-C.")
    var serve = false

    @Option(help: "The API simulated: openai (the default) or azure (an Azure OpenAI resource).")
    var flavor: String = "openai"

    @Option(
        help:
            "The simulated job: elle (healthy, the default), or one that fires an alert: slow-queue, stalled, diverging, overfitting."
    )
    var scenario: String = "elle"

    /// The demo's waits before `queued_too_long` and `stalled`: an alert within a minute.
    static let demoAlertWait = 30

    func validate() throws {
        guard SimulatorFlavor(rawValue: flavor) != nil else {
            throw ValidationError(
                "--flavor must be one of: \(SimulatorFlavor.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard speed > 0 else { throw ValidationError("--speed must be positive") }
        guard let chosen = Scenario(rawValue: scenario), chosen != .empty else {
            let names = Scenario.allCases.filter { $0 != .empty }.map(\.rawValue)
            throw ValidationError("--scenario must be one of: \(names.joined(separator: ", "))")
        }
        guard let (host, _) = HTTPSettings.parseListen(listen), HTTPSettings(host: host, port: 0).isLoopback
        else {
            throw ValidationError("--listen must be a loopback HOST:PORT such as 127.0.0.1:8327")
        }
    }

    /// The dashboard's settings: `--listen`, or a free port on its host when that one is held.
    func dashboardSettings() -> HTTPSettings {
        guard let (host, port) = HTTPSettings.parseListen(listen) else {
            return HTTPSettings(host: "127.0.0.1", port: 0)
        }
        // `localhost` is probed on 127.0.0.1; an IPv6 address is not probed.
        let probed = host == "localhost" ? "127.0.0.1" : host
        if port != 0, probed.contains("."), !PortProbe.isFree(host: probed, port: port) {
            return HTTPSettings(host: host, port: 0)
        }
        return HTTPSettings(host: host, port: port)
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logEnvironment = environment
        if !verbose, logEnvironment["FTD_LOG_LEVEL"] == nil { logEnvironment["FTD_LOG_LEVEL"] = "error" }
        LogSetup.bootstrap(verbose: verbose, environment: logEnvironment)
        let logger = Logger(label: "ftd")
        let color = Terminal.stdoutSupportsColor
        let style = DemoStyle(color: color)

        var simulatorConfiguration = SimulatorConfiguration()
        simulatorConfiguration.speed = speed
        simulatorConfiguration.flavor = SimulatorFlavor(rawValue: flavor) ?? .openai
        simulatorConfiguration.scenario = Scenario(rawValue: scenario) ?? .elle
        let simulator = FineTuningSimulator(configuration: simulatorConfiguration, logger: logger)
        try await simulator.start()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ftd-demo-\(UUID().uuidString.prefix(8))")
        defer { if !keep { try? FileManager.default.removeItem(at: directory) } }

        do {
            let databasePath = directory.appendingPathComponent("ftd.sqlite3").path
            try await HTTPClient.withProcessClient { httpClient in
                try await watch(
                    simulator: simulator, httpClient: httpClient, databasePath: databasePath, style: style,
                    logger: logger)
            }
            if keep {
                Terminal.write("\nThe database is kept: FTD_DATABASE=\(databasePath) ftd history\n")
            }
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    private func watch(
        simulator: FineTuningSimulator, httpClient: HTTPClient, databasePath: String, style: DemoStyle,
        logger: Logger
    ) async throws {
        let azure = simulator.configuration.flavor == .azure
        let scenario = simulator.configuration.scenario
        let baseURL = await simulator.baseURL
        let endpoint = await simulator.endpoint
        let story =
            scenario == .elle
            ? """
            One job: "Elle", a periodic-table limerick bot, fine-tuned from gpt-3.5-turbo-0125
            on 10 examples. The daemon polls every second; the job runs \(Self.format(speed))× real time.
            An example hook ("announce") runs on every status change after the first sight.
            """
            : """
            One job that goes wrong: \(scenario.summary).
            The daemon polls every second and judges alerts after each cycle, with
            queued_after = stalled_after = \(Self.demoAlertWait) s; the job runs \(Self.format(speed))× real time.
            An example hook ("announce") runs on every status change and every alert.
            """
        Terminal.write(
            """
            \(style.bold("ftd demo")): \(azure ? "a simulated Azure OpenAI resource at \(endpoint)" : "a simulated OpenAI account at \(baseURL)")
            \(story)\n\n
            """)

        // The daemon users install, with the lock, the delivery service and the outcome
        // it records; only the configuration is the demo's own.
        var configuration = Configuration(
            storage: StorageSettings(database: databasePath), hooks: [Self.exampleHook])
        if azure {
            // The account an Azure user configures: the v1 surface, the key as api-key.
            var api = APISettings()
            api.baseURL = endpoint + "/openai/v1"
            configuration.accounts = [
                AccountSettings(
                    name: "azure", provider: .azure(endpoint: endpoint, apiVersion: nil), api: api)
            ]
        } else {
            configuration.api.baseURL = baseURL
        }
        configuration.api.maxRetries = 2
        configuration.poll.interval = 1
        configuration.poll.idleInterval = 1
        configuration.alerts.queuedAfter = Self.demoAlertWait
        configuration.alerts.stalledAfter = Self.demoAlertWait
        configuration.http = dashboardSettings()
        let apiKey = "sk-ftd-demo"
        let demoConfiguration = configuration
        let (lock, store) = try await Daemon.openStorage(configuration.storage, logger: logger)
        defer { withExtendedLifetime(lock) {} }
        let dashboard = Locked<String?>(nil)
        let daemon = Daemon(
            store: store, httpClient: httpClient, notifier: nil, loader: { (demoConfiguration, apiKey) },
            logger: logger,
            dashboardListening: { address in
                dashboard.withLock { $0 = address }
                Terminal.write("ftd: dashboard on \(address)\n\n")
            })
        // A stalled or queued job never finishes by itself: its demo ends with its alert.
        let endsWithAlert = scenario == .stalled || scenario == .slowQueue
        let observer = DemoObserver(store: store, style: style, started: .now, endsWithAlert: endsWithAlert)
        try await daemon.run(configuration: configuration, apiKey: apiKey) { tick in
            await observer.cycleFinished(tick)
        }
        await observer.finish()
        if let failure = await observer.failure { throw failure }
        // SIGINT or SIGTERM stopped the daemon before the job was done: no history as if
        // the demo had finished, and the status of an interrupted command.
        guard await observer.askedToStop else {
            throw Failure(message: "demo: interrupted", code: Failure.interrupted)
        }

        let database = store.database
        let options = HistoryRenderOptions(
            color: style.color, width: Terminal.width, now: Int64(Date().timeIntervalSince1970),
            prices: configuration.priceBook)
        Terminal.write("\n\(style.bold("$ ftd history"))\n")
        Terminal.write(
            JobTableView.render(try database.jobSummaries(status: nil, limit: nil), options: options))
        if let job = try database.jobSummaries(status: nil, limit: 1).first {
            Terminal.write("\n\(style.bold("$ ftd history \(job.id)"))\n")
            Terminal.write(JobDetailView.render(try database.jobDetail(job: job.key), options: options))
        }
        if serve, let address = dashboard.withLock({ $0 }), let http = configuration.http {
            try await keepServing(
                address: address, http: http, store: store, configuration: configuration, logger: logger)
        }
    }

    /// `--serve`: the daemon has stopped; the same database stays on the same address,
    /// read-only, until SIGINT or SIGTERM.
    private func keepServing(
        address: String, http: HTTPSettings, store: SQLiteStore, configuration: Configuration, logger: Logger
    ) async throws {
        var settings = http
        if let port = URLComponents(string: address)?.port { settings.port = port }
        let server = WebServer(
            settings: settings, token: nil, store: store, poll: configuration.poll, logger: logger,
            version: BuildInfo.version, readOnly: true, prices: configuration.priceBook)
        Terminal.write("\nThe dashboard stays on at \(address) (read-only). Ctrl-C stops it.\n")
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [server.service()], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// What a user's hook would do, in miniature: it gets the transition or the alert in
    /// its environment (never on its command line) and exits 0. The baseline fires no hook.
    static let exampleHook = HookSettings(
        name: "announce", on: ["*", AlertKind.anyHookEvent],
        command: .shell(#"test -n "$FTD_JOB_ID" && test -n "$FTD_STATUS" && test "$FTD_ATTEMPT" = 1"#),
        timeout: 10, retries: 0)

    static func format(_ speed: Double) -> String {
        speed.rounded() == speed ? String(Int(speed)) : String(speed)
    }
}
