import ArgumentParser
import AsyncHTTPClient
import CoreMetrics
import FTDAPI
import FTDConfig
import FTDDaemon
import FTDEngine
import FTDPostgres
import FTDStore
import FTDWeb
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
            status and watchdog pings. One ftd runs per database: a second one exits 75. \
            With storage.url (a shared PostgreSQL store) several may run: one leads (polls \
            and runs the hooks), the others stand by and take over when it stops or dies.
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
        // The environment as started, kept for reloads: the key and webhook secret
        // variables are scrubbed from the process below, so that hooks cannot read them
        // from /proc/$PPID/environ.
        let environment = global.environment
        let (configuration, apiKeys, webhookSecrets) = try Self.load(global, environment: environment)
        for variable in Daemon.secretVariables(configuration) {
            ProcessSecrets.scrubEnvironmentVariable(variable)
        }
        ProcessSecrets.closeProcessToItsUser()
        let keys = APIKeyResolver(environment: environment)
        global.bootstrapLogging()
        // Once per process, before any part that counts is built: the API client, the
        // cycle and the dispatcher count in the registry that [http] serves at /metrics.
        let metrics = MetricsEndpoint()
        MetricsSystem.bootstrap(metrics.factory)
        let logger = Logger(label: "ftd")
        let daemonStore: any JobStore
        var lease: (any LeaderLease)?
        var lock: DaemonLock?
        var shared: PostgresStore?
        if let postgres = configuration.storage.postgres {
            // The shared store: no file lock, the leader lease decides who polls (SPEC
            // section 11). The password was read from the environment as started.
            let store = try await Daemon.openSharedStore(
                postgres, password: try PostgresPassword.resolve(postgres, environment: environment),
                logger: logger)
            (daemonStore, lease, shared) = (store, store, store)
        } else {
            let (held, store) = try await openStorage(configuration.storage, logger: logger)
            (daemonStore, lock) = (store, held)
        }
        defer {
            withExtendedLifetime(lock) {}
            shared?.close()
        }
        try await HTTPClient.withProcessClient { httpClient in
            if once {
                let daemon = Daemon(
                    store: daemonStore, lease: lease, httpClient: httpClient, notifier: nil,
                    loader: { (configuration, apiKeys: apiKeys, webhookSecrets: webhookSecrets) },
                    logger: logger)
                try await runOnce(daemon, configuration, apiKeys: apiKeys, keys: keys, logger: logger)
            } else {
                logger.info(
                    "ftd polling \(configuration.accounts.map { Self.describe($0, among: configuration) }.joined(separator: ", "))",
                    metadata: [
                        "db.path": "\(configuration.storage.displayName)",
                        "poll.interval": "\(configuration.poll.interval)",
                        "poll.idle_interval": "\(configuration.poll.idleInterval)",
                    ])
                let global = global
                let daemon = Daemon(
                    store: daemonStore, lease: lease, httpClient: httpClient, notifier: SystemdNotifier(),
                    loader: {
                        let loaded = try Self.load(global, environment: environment)
                        for variable in Daemon.secretVariables(loaded.0) {
                            ProcessSecrets.scrubEnvironmentVariable(variable)
                        }
                        return loaded
                    }, logger: logger, metrics: metrics)
                if !webhookSecrets.isEmpty {
                    // Names only: the secrets never reach a log line.
                    logger.info(
                        "webhooks accepted for \(webhookSecrets.keys.sorted().joined(separator: ", "))\(configuration.http == nil ? ", but [http] is not set: nothing listens for them" : "")"
                    )
                }
                try await daemon.run(
                    configuration: configuration, apiKeys: apiKeys, webhookSecrets: webhookSecrets)
            }
        }
    }

    /// The database's lock and the database (`Daemon.openStorage`). `--once` beside a
    /// daemon says that the daemon already does its work.
    private func openStorage(_ storage: StorageSettings, logger: Logger) async throws -> (
        DaemonLock, SQLiteStore
    ) {
        do {
            return try await Daemon.openStorage(storage, logger: logger)
        } catch DaemonLockError.held(let database, let pid) where once {
            let who = DaemonLockError.holder(pid: pid)
            throw Failure(
                message:
                    "another \(who) is already running on \(database): it polls and runs the hooks itself (ftd status shows its last cycle); to run one cycle by hand, stop it first (systemctl stop ftd)",
                code: Failure.temporaryFailure)
        }
    }

    /// The configuration, checked whole before anything starts (and before a reload is
    /// accepted): the file, the hooks' programs, the API keys and the webhook secrets.
    /// - Parameter checkingHooks: false for commands that never run a hook (the workflow
    ///   commands): a hook only the daemon's user can run must not stop them.
    /// - Parameter environment: the process's, unless the daemon kept its start-up copy.
    static func load(
        _ global: GlobalOptions, checkingHooks: Bool = true, environment: [String: String]? = nil
    ) throws -> (Configuration, apiKeys: [String: String], webhookSecrets: [String: String]) {
        let environment = environment ?? global.environment
        let configuration = try global.loadConfiguration(environment: environment)
        var apiKeys: [String: String] = [:]
        for account in configuration.accounts {
            apiKeys[account.name] = try key(
                of: account, configuration: configuration, environment: environment)
        }
        var webhookSecrets: [String: String] = [:]
        if checkingHooks {
            try HookCommandCheck(environment: environment).check(configuration.hooks)
            // The daemon serves [http]: its token must be there before anything starts.
            if let file = configuration.http?.tokenFile { _ = try HTTPToken.read(file) }
            // And so must the webhook secrets: a missing one would refuse every webhook.
            webhookSecrets = try Daemon.webhookSecrets(
                configuration, resolver: APIKeyResolver(environment: environment))
        }
        return (configuration, apiKeys, webhookSecrets)
    }

    /// One account's key (`APIKeyResolver`): its errors name the account's key setting.
    static func key(of account: AccountSettings, configuration: Configuration, environment: [String: String])
        throws -> String
    {
        try APIKeyResolver(environment: environment).resolve(account)
    }

    /// `research (https://api.openai.com/v1)`, or the URL alone for a single account.
    static func describe(_ account: AccountSettings, among configuration: Configuration) -> String {
        configuration.accounts.count == 1 ? account.api.baseURL : "\(account.name) (\(account.api.baseURL))"
    }

    /// `--once`: the daemon's one cycle of every account (`Daemon.runOnce`); the outcome
    /// is an exit status (SPEC section 8): 0 when every account completed, else 77 when
    /// one rejected its credentials, else 69. A failed hook is recorded, not fatal.
    private func runOnce(
        _ daemon: Daemon, _ configuration: Configuration, apiKeys: [String: String], keys: APIKeyResolver,
        logger: Logger
    ) async throws {
        let reports: [Daemon.AccountCycle]
        do {
            reports = try await daemon.runOnce(configuration: configuration, apiKeys: apiKeys)
        } catch let notRecorded as Daemon.CycleNotRecorded {
            throw Failure(message: "\(notRecorded)", code: Failure.exitCode(for: notRecorded.fault))
        } catch let elsewhere as Daemon.LeaderElsewhere {
            // Not the usage's fault nor the API's: another daemon does this work (SPEC
            // section 11).
            throw Failure(message: "\(elsewhere)", code: 1)
        } catch let lost as LeaseLost {
            throw Failure(
                message: "\(lost); what this cycle recorded before is kept, the next leader does the rest",
                code: 1)
        }
        let several = reports.count > 1
        for (account, report) in reports.map({ ($0.account, $0.report) }) {
            let outcome = report.failures.isEmpty ? "complete" : "incomplete"
            logger.info(
                "\(several ? "\(account): " : "")cycle \(outcome): \(report.transitions.count) transitions, \(report.activeJobs) active jobs, \(report.requests) requests"
            )
        }
        let rejected = reports.filter(\.report.credentialsRejected)
        if !rejected.isEmpty {
            let sources = rejected.compactMap { cycle in
                configuration.account(named: cycle.account).map {
                    (several ? "\(cycle.account): " : "") + keys.source($0)
                }
            }
            throw Failure(
                message:
                    "the API rejected the credentials (401/403): check the key in \(sources.joined(separator: "; "))",
                code: Failure.noPermission)
        }
        let failing = reports.filter { !$0.report.failures.isEmpty }
        if let first = failing.first, let failure = first.report.failures.first {
            let count = failing.reduce(0) { $0 + $1.report.failures.count }
            throw Failure(
                message:
                    "\(count) request(s) still failed after retries (first: \(several ? "\(first.account): " : "")\(failure)); what the cycle got is kept and the next cycle resumes",
                code: Failure.unavailable)
        }
    }
}
