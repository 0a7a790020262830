import ArgumentParser
import AsyncHTTPClient
import FTDCore
import Foundation
import Logging
import ServiceLifecycle

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll the fine-tuning API on a timer until SIGTERM/SIGINT (the daemon).",
        discussion: """
            Every job, status change, event, loss step and checkpoint is kept in the \
            database (storage.database). Polls every poll.interval seconds while a job is \
            active, every poll.idle_interval seconds otherwise.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Run exactly one full poll cycle, then exit (0 done, 69 API unreachable, 77 key rejected).")
    var once = false

    func run() async throws {
        let configuration = try global.loadConfiguration()
        let apiKey = try APIKeyResolver(environment: global.environment).resolve(configuration.api)
        global.bootstrapLogging()
        let logger = Logger(label: "ftd")
        let database = try AppDatabase.open(
            path: configuration.storage.database, groupReadable: configuration.storage.groupReadable,
            logger: logger)
        let interrupted = try database.markInterruptedAttempts()
        if interrupted > 0 {
            logger.warning(
                "\(interrupted) hook attempt(s) were cut short by the last stop: their deliveries run again")
        }
        let dispatcher = HookDispatcher(
            outbox: database,
            runner: HookRunner(apiKeyVariable: configuration.api.apiKeyEnv, logger: logger),
            hooks: configuration.hooks, databasePath: configuration.storage.database, logger: logger)
        try await HTTPClient.withProcessClient { httpClient in
            let api = OpenAIClient(
                settings: configuration.api, apiKey: apiKey, httpClient: httpClient, logger: logger)
            var cycle = PollCycle(api: api, store: database, logger: logger)
            cycle.hooks = configuration.hooks
            if once {
                // The deliveries an earlier run left undone go first, then this cycle's.
                try await dispatcher.drain()
                let report = try await cycle.run()
                try await dispatcher.drain()
                try finish(report, configuration: configuration, logger: logger)
            } else {
                try await runDaemon(
                    cycle, dispatcher: dispatcher, configuration: configuration, logger: logger)
            }
        }
    }

    /// `--once`: the cycle's result as an exit status; a failed hook is recorded, not fatal.
    private func finish(_ report: CycleReport, configuration: Configuration, logger: Logger) throws {
        let outcome = report.failures.isEmpty ? "complete" : "incomplete"
        logger.info(
            "cycle \(outcome): \(report.transitions.count) transitions, \(report.activeJobs) active jobs, \(report.requests) requests"
        )
        if report.credentialsRejected {
            let source = configuration.api.apiKeyFile ?? "$" + configuration.api.apiKeyEnv
            throw Failure(
                message: "the API rejected the credentials (401/403): check the key in \(source)",
                code: Failure.noPermission)
        }
        if let failure = report.failures.first {
            throw Failure(
                message:
                    "\(report.failures.count) request(s) still failed after retries (first: \(failure)); what the cycle got is kept and the next cycle resumes",
                code: Failure.unavailable)
        }
    }

    private func runDaemon(
        _ cycle: PollCycle, dispatcher: HookDispatcher, configuration: Configuration, logger: Logger
    ) async throws {
        logger.info(
            "ftd polling \(configuration.api.baseURL)",
            metadata: [
                "db.path": "\(configuration.storage.database)",
                "poll.interval": "\(configuration.poll.interval)",
                "poll.idle_interval": "\(configuration.poll.idleInterval)",
            ])
        let deliveries = DeliveryService(dispatcher: dispatcher, logger: logger)
        let poller = PollerService(cycle: cycle, settings: configuration.poll, logger: logger) { report in
            if !report.transitions.isEmpty { deliveries.wake() }
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: deliveries), .init(service: poller)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
