import AsyncHTTPClient
import CoreMetrics
import FTDAPI
import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
import Foundation
import Logging

/// The composition root: the one place where ftd's parts are built from a configuration
/// and wired together. The daemon (`ftd run`, its reloads, `--once`), `ftd demo` and the
/// workflow commands (`submit`, `watch`, `cancel`, `try`, …) all get their API client,
/// store, poll cycle and hook dispatcher here, so each is built one way.
public struct Assembly: Sendable {
    public let configuration: Configuration
    /// The SQLite file's store or the shared PostgreSQL one (SPEC section 11).
    public let store: any JobStore
    /// Each account's key, by account name. Never logged, stored or handed to a hook:
    /// only the API clients see them.
    let apiKeys: [String: String]
    let httpClient: HTTPClient
    let logger: Logger
    /// Where the API client, the cycle and the dispatcher count (SPEC section 9's
    /// metrics): the factory `ftd run` bootstrapped, the no-op one elsewhere.
    let metricsFactory: any MetricsFactory

    public init(
        configuration: Configuration, apiKeys: [String: String], store: any JobStore, httpClient: HTTPClient,
        logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.configuration = configuration
        self.apiKeys = apiKeys
        self.store = store
        self.httpClient = httpClient
        self.logger = logger
        self.metricsFactory = metricsFactory
    }

    /// The configured database, created or migrated as needed.
    /// - Parameter checkingIntegrity: the daemon checks the file's pages at its start; a
    ///   workflow command only records.
    public static func openDatabase(
        _ storage: StorageSettings, checkingIntegrity: Bool = true, logger: Logger
    )
        throws -> AppDatabase
    {
        try AppDatabase.open(
            path: storage.database, groupReadable: storage.groupReadable,
            checkingIntegrity: checkingIntegrity,
            logger: logger,
            onMigrating: { pending in
                let copying = pending.filter { AppDatabase.copyingMigrations.contains($0) }
                guard !copying.isEmpty else { return }
                let size =
                    (try? FileManager.default.attributesOfItem(atPath: storage.database)[.size] as? Int) ?? 0
                logger.notice(
                    "upgrading the database (\(copying.joined(separator: ", ")), \(size / 1_048_576) MiB): every row is copied once, one to two minutes a GB; nothing is lost if this is interrupted"
                )
                // Under systemd the start would time out on a large file (TimeoutStartSec=,
                // 90 s by default): ask for the time the copy may take, generously.
                SystemdNotifier()?.send([
                    NotifyMessage.extendTimeout(by: .seconds(120 + size / 5_000_000))
                ])
            })
    }

    /// One account's key alone (a command that talks to one account).
    public init(
        configuration: Configuration, apiKey: String, store: any JobStore, httpClient: HTTPClient,
        logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.init(
            configuration: configuration, apiKeys: [configuration.accounts[0].name: apiKey], store: store,
            httpClient: httpClient, logger: logger, metricsFactory: metricsFactory)
    }

    /// The first account's API client (the only one of a configuration without
    /// `[[accounts]]`). `onAttempt` hears every request attempt (the watchdog's sign of life).
    public func api(onAttempt: (@Sendable () -> Void)? = nil) -> OpenAIClient {
        api(for: configuration.accounts[0], onAttempt: onAttempt)
    }

    /// The client of one account, OpenAI or Azure, counted under its name.
    /// - Parameter apiKey: the account's own key; nil: the one this assembly holds for it.
    public func api(
        for account: AccountSettings, apiKey: String? = nil, onAttempt: (@Sendable () -> Void)? = nil
    ) -> OpenAIClient {
        var api = OpenAIClient(
            account: account, apiKey: apiKey ?? apiKeys[account.name] ?? "", httpClient: httpClient,
            logger: logger)
        if let onAttempt { api.onAttempt = onAttempt }
        api.metrics = APIMetrics(account: account.name, factory: metricsFactory)
        return api
    }

    /// A poll cycle of `account` recording into the store. `hooks` is read when the
    /// cycle commits, so a reload during a cycle reaches its transitions' deliveries.
    public func cycle(
        account: AccountSettings, api: OpenAIClient, hooks: @escaping @Sendable () -> [HookSettings]
    ) -> PollCycle {
        var cycle = PollCycle(api: api, store: store, logger: logger)
        cycle.account = account.name
        cycle.namesAccount = configuration.accounts.count > 1
        cycle.hookSource = hooks
        cycle.alerts = configuration.alerts
        cycle.metrics = PollMetrics(account: account.name, factory: metricsFactory)
        return cycle
    }

    /// The hook side: the runner and the outbox's dispatcher.
    /// - Parameter keyVariables: every variable that held the API key in this process,
    ///   kept out of every hook's environment.
    public func dispatcher(
        hooks: @escaping @Sendable () -> [HookSettings], keyVariables: @escaping @Sendable () -> Set<String>
    ) -> HookDispatcher {
        let runner = HookRunner(keyVariables: keyVariables, logger: logger)
        var dispatcher = HookDispatcher(
            outbox: store, runner: runner, hookSource: hooks,
            databasePath: configuration.storage.displayName, logger: logger)
        dispatcher.stopGrace = .milliseconds(Int64(configuration.daemon.stopTimeout * 1000))
        dispatcher.metrics = HookMetrics(factory: metricsFactory)
        return dispatcher
    }
}
