import ArgumentParser
import AsyncHTTPClient
import FTDCore
import Foundation
import Logging

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Poll the fine-tuning API on a timer until SIGTERM/SIGINT (the daemon).",
        discussion: """
            Every job, status change, event, loss step and checkpoint is kept in the \
            database (storage.database). Polls every poll.interval seconds while a job is \
            active, every poll.idle_interval seconds otherwise. SIGHUP reloads the \
            configuration; SIGTERM stops gracefully, giving running hooks \
            daemon.stop_timeout seconds. Under systemd (Type=notify) it reports readiness, \
            status and watchdog pings. One ftd runs per database: a second one exits 75.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Run exactly one full poll cycle, then exit (0 done, 69 API unreachable, 77 key rejected).")
    var once = false

    func run() async throws {
        // SIGHUP reloads the daemon, but its handler exists only once the services run;
        // until then the default action would end the process (and systemd would not
        // restart it: death by SIGHUP counts as clean).
        if !once { _ = signal(SIGHUP, SIG_IGN) }
        // Before any thread of the HTTP client or the database starts: the arenas those
        // threads would make first are kept for good.
        ProcessMemory.limitArenas()
        // The environment as started, kept for reloads: the key variable is scrubbed from
        // the process below, so that hooks cannot read it from /proc/$PPID/environ.
        let environment = global.environment
        let (configuration, apiKey) = try Self.load(global, environment: environment)
        ProcessSecrets.scrubEnvironmentVariable(configuration.api.apiKeyEnv)
        ProcessSecrets.closeProcessToItsUser()
        let keys = APIKeyResolver(environment: environment)
        global.bootstrapLogging()
        let logger = Logger(label: "ftd")
        let storage = configuration.storage
        let lock = try acquireLock(storage)
        defer { withExtendedLifetime(lock) {} }
        let database = try AppDatabase.open(
            path: storage.database, groupReadable: storage.groupReadable, logger: logger)
        let interrupted = try database.markInterruptedAttempts()
        if interrupted > 0 {
            logger.warning(
                "\(interrupted) hook attempt(s) were cut short by the last stop: their deliveries run again")
        }
        try await HTTPClient.withProcessClient { httpClient in
            if once {
                try await runOnce(
                    configuration, apiKey: apiKey, keys: keys, database: database, httpClient: httpClient,
                    logger: logger)
            } else {
                logger.info(
                    "ftd polling \(configuration.api.baseURL)",
                    metadata: [
                        "db.path": "\(storage.database)",
                        "poll.interval": "\(configuration.poll.interval)",
                        "poll.idle_interval": "\(configuration.poll.idleInterval)",
                    ])
                let global = global
                let daemon = Daemon(
                    database: database, httpClient: httpClient, notifier: SystemdNotifier(),
                    loader: {
                        let loaded = try Self.load(global, environment: environment)
                        ProcessSecrets.scrubEnvironmentVariable(loaded.0.api.apiKeyEnv)
                        return loaded
                    }, logger: logger)
                try await daemon.run(configuration: configuration, apiKey: apiKey)
            }
        }
    }

    /// The database's lock: nothing touches the database before it is held (a running
    /// daemon's `running` hook attempts are its hooks, still running). `--once` beside a
    /// daemon says that the daemon already does its work.
    private func acquireLock(_ storage: StorageSettings) throws -> DaemonLock {
        do {
            return try DaemonLock.acquire(database: storage.database, groupReadable: storage.groupReadable)
        } catch DaemonLockError.held(let database, let pid) where once {
            let who = DaemonLockError.holder(pid: pid)
            throw Failure(
                message:
                    "another \(who) is already running on \(database): it polls and runs the hooks itself (ftd status shows its last cycle); to run one cycle by hand, stop it first (systemctl stop ftd)",
                code: Failure.temporaryFailure)
        }
    }

    /// The configuration, checked whole before anything starts (and before a reload is
    /// accepted): the file, the hooks' programs and the API key.
    /// - Parameter checkingHooks: false for commands that never run a hook (the workflow
    ///   commands): a hook only the daemon's user can run must not stop them.
    /// - Parameter environment: the process's, unless the daemon kept its start-up copy.
    static func load(
        _ global: GlobalOptions, checkingHooks: Bool = true, environment: [String: String]? = nil
    ) throws -> (Configuration, apiKey: String) {
        let environment = environment ?? global.environment
        let configuration = try global.loadConfiguration(environment: environment)
        let apiKey = try APIKeyResolver(environment: environment).resolve(configuration.api)
        if checkingHooks { try HookCommandCheck(environment: environment).check(configuration.hooks) }
        return (configuration, apiKey)
    }

    /// `--once`: leftovers first, then one cycle and its deliveries; the outcome is an
    /// exit status (a failed hook is recorded, not fatal).
    private func runOnce(
        _ configuration: Configuration, apiKey: String, keys: APIKeyResolver, database: AppDatabase,
        httpClient: HTTPClient, logger: Logger
    ) async throws {
        let api = OpenAIClient(
            settings: configuration.api, apiKey: apiKey, httpClient: httpClient, logger: logger)
        var cycle = PollCycle(api: api, store: database, logger: logger)
        cycle.hooks = configuration.hooks
        let dispatcher = HookDispatcher(
            outbox: database,
            runner: HookRunner(apiKeyVariable: configuration.api.apiKeyEnv, logger: logger),
            hooks: configuration.hooks, databasePath: configuration.storage.database, logger: logger)
        try await dispatcher.drain()
        let report: CycleReport
        do {
            report = try await cycle.run()
        } catch {
            if let fault = error as? StoreError, fault.isStorageFault {
                // Writing the outcome would fail too (or wait out another busy timeout).
                throw Failure(
                    message: "\(fault); nothing of this cycle was recorded",
                    code: Failure.exitCode(for: fault))
            }
            try? database.recordCycleOutcome(
                CycleOutcome(thrown: error, finishedAt: PollCycle.unixNow(), nextCycleAt: nil))
            throw error
        }
        try database.recordCycleOutcome(
            CycleOutcome(report: report, finishedAt: PollCycle.unixNow(), nextCycleAt: nil))
        try await dispatcher.drain()

        let outcome = report.failures.isEmpty ? "complete" : "incomplete"
        logger.info(
            "cycle \(outcome): \(report.transitions.count) transitions, \(report.activeJobs) active jobs, \(report.requests) requests"
        )
        if report.credentialsRejected {
            throw Failure(
                message:
                    "the API rejected the credentials (401/403): check the key in \(keys.source(configuration.api))",
                code: Failure.noPermission)
        }
        if let failure = report.failures.first {
            throw Failure(
                message:
                    "\(report.failures.count) request(s) still failed after retries (first: \(failure)); what the cycle got is kept and the next cycle resumes",
                code: Failure.unavailable)
        }
    }
}
