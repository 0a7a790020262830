import AsyncHTTPClient
import CoreMetrics
import FTDAPI
import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
import FTDWeb
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// `ftd run` as a long-running service: the poller, the hook deliveries, SIGHUP reloads
/// and, under systemd, the sd_notify conversation, in one `ServiceGroup` that turns
/// SIGTERM/SIGINT into a graceful stop.
///
/// The caller opens the store and owns the `HTTPClient`: the SQLite file with its
/// `DaemonLock` held, or the shared PostgreSQL store, which is also the daemon's `lease`
/// (SPEC section 11: one leader polls and runs the hooks, the others stand by; see
/// `LeadershipService`). `ftd run`, `ftd run --once` and `ftd demo` all run this type; its
/// parts come from the `Assembly`.
public struct Daemon: Sendable {
    /// Loads and validates the configuration again, with each account's API key and webhook
    /// secret (by account name), for a reload.
    public typealias Loader =
        @Sendable () throws -> (
            Configuration, apiKeys: [String: String], webhookSecrets: [String: String]
        )
    /// Hears each cycle once its outcome is recorded; answers false to stop the daemon
    /// gracefully, as SIGTERM would (`ftd demo` stops once its job is done).
    public typealias Observer = @Sendable (PollerService.Tick) async -> Bool

    let store: any JobStore
    /// The shared store's leader lease; nil for the SQLite file, which its lock guards.
    let lease: (any LeaderLease)?
    /// The lease's timing; nil: the configured one (`LeaseTiming.configured`). Tests set a
    /// short one.
    let leaseTiming: LeaseTiming?
    /// Set the moment the lease is lost: the running hooks are then stopped at once, not
    /// after `daemon.stop_timeout` (`HookDispatcher.cutAtOnce`).
    let leaseLost = Locked(false)
    let httpClient: HTTPClient
    let notifier: SystemdNotifier?
    let loader: Loader
    let logger: Logger
    /// What `[http]` serves at `/metrics`.
    let metrics: MetricsEndpoint
    /// Where the daemon's parts count; `ftd run` bootstraps `metrics.factory` as the
    /// process's, so that this default is it.
    let metricsFactory: any MetricsFactory
    let hooks: Locked<[HookSettings]>
    /// Every variable that held an API key or a webhook secret during this run: after a
    /// reload moves one elsewhere, the old variable is still in the process's environment.
    let keyVariables = Locked<Set<String>>([])
    let statusText = Locked<String?>(nil)
    /// How many accounts the running configuration polls (set at start).
    let accountCount = Locked<Int>(1)
    /// Hears the dashboard's address once `[http]` is listening (`ftd demo` prints it).
    let dashboardListening: @Sendable (String) async -> Void

    /// - Parameter lease: the shared store's lease (the PostgreSQL store itself), nil for
    ///   the SQLite file.
    public init(
        store: any JobStore, lease: (any LeaderLease)? = nil, leaseTiming: LeaseTiming? = nil,
        httpClient: HTTPClient, notifier: SystemdNotifier?, loader: @escaping Loader,
        logger: Logger, metrics: MetricsEndpoint = MetricsEndpoint(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        dashboardListening: @escaping @Sendable (String) async -> Void = { _ in }
    ) {
        self.store = store
        self.lease = lease
        self.leaseTiming = leaseTiming
        self.httpClient = httpClient
        self.notifier = notifier
        self.loader = loader
        self.logger = logger
        self.metrics = metrics
        self.metricsFactory = metricsFactory
        self.hooks = Locked([])
        self.dashboardListening = dashboardListening
    }

    /// One account's key: a configuration without `[[accounts]]` (tests, `ftd demo`).
    public init(
        store: any JobStore, lease: (any LeaderLease)? = nil, leaseTiming: LeaseTiming? = nil,
        httpClient: HTTPClient, notifier: SystemdNotifier?,
        loader: @escaping @Sendable () throws -> (Configuration, apiKey: String),
        logger: Logger, metrics: MetricsEndpoint = MetricsEndpoint(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        dashboardListening: @escaping @Sendable (String) async -> Void = { _ in }
    ) {
        self.init(
            store: store, lease: lease, leaseTiming: leaseTiming, httpClient: httpClient, notifier: notifier,
            loader: {
                let (configuration, key) = try loader()
                return (configuration, Self.keys(configuration, key), [:])
            }, logger: logger, metrics: metrics, metricsFactory: metricsFactory,
            dashboardListening: dashboardListening)
    }

    /// The one key of a single-account configuration, by its account's name.
    static func keys(_ configuration: Configuration, _ apiKey: String) -> [String: String] {
        Dictionary(configuration.accounts.map { ($0.name, apiKey) }, uniquingKeysWith: { first, _ in first })
    }

    /// The variables that hold a secret: every account's API key variable, and its webhook
    /// secret's when it has one. Hooks never see them (`HookRunner`), and `ftd run` scrubs
    /// them from its own environment (`ProcessSecrets`).
    public static func secretVariables(_ configuration: Configuration) -> Set<String> {
        // PGPASSWORD too when the store is PostgreSQL: a hook gets the store's URL
        // (`FTD_DATABASE`), never its password.
        Set(
            configuration.accounts.map(\.api.apiKeyEnv)
                + configuration.accounts.compactMap(\.webhookSecretEnv)
                + (configuration.storage.postgres == nil ? [] : ["PGPASSWORD"]))
    }

    /// Each account's webhook secret, by account name, for the accounts that have one
    /// (`APIKeyResolver.webhookSecret`), each checked as `WebhookVerifier` will read it: a
    /// configured secret that is missing, empty or malformed is a configuration error, so
    /// that `ftd run` refuses to start rather than answer every webhook 400.
    public static func webhookSecrets(_ configuration: Configuration, resolver: APIKeyResolver)
        throws(ConfigurationError) -> [String: String]
    {
        var secrets: [String: String] = [:]
        for account in configuration.accounts {
            guard let secret = try resolver.webhookSecret(account) else { continue }
            do {
                _ = try WebhookVerifier(secret: secret)
            } catch {
                let setting = account.webhookSecretFile != nil ? "webhook_secret_file" : "webhook_secret_env"
                throw .invalid("\(account.configKey).\(setting)", error.description)
            }
            secrets[account.name] = secret
        }
        return secrets
    }

    /// The longest stall bound of the accounts' settings.
    static func stallBound(_ configuration: Configuration) -> Double {
        configuration.accounts.map { Heartbeat.stallBound(api: $0.api) }.max() ?? 0
    }

    /// Runs until a graceful stop has finished, with one account's key.
    public func run(configuration: Configuration, apiKey: String, observer: Observer? = nil) async throws {
        try await run(
            configuration: configuration, apiKeys: Self.keys(configuration, apiKey), observer: observer)
    }

    /// Runs until a graceful stop has finished (exit 0), with the configuration given.
    /// Each account polls on a timer of its own (`PollerService`), so that one slow or
    /// failing account never delays another's cycles (SPEC section 8). On a shared store
    /// (`lease`) the pollers and the hooks run only while this daemon leads
    /// (`LeadershipService`).
    /// - Parameter webhookSecrets: by account name (`webhookSecrets(_:resolver:)`): those
    ///   accounts take `POST /webhooks/{account}` when `[http]` is set; kept as they are
    ///   until the next start.
    public func run(
        configuration: Configuration, apiKeys: [String: String], webhookSecrets: [String: String] = [:],
        observer: Observer? = nil
    ) async throws {
        let health = HealthMonitor(stallBound: Self.stallBound(configuration))
        hooks.withLock { $0 = configuration.hooks }
        accountCount.withLock { $0 = configuration.accounts.count }
        keyVariables.withLock { $0 = Self.secretVariables(configuration) }
        let live = LiveConfiguration(snapshot(configuration, apiKeys: apiKeys, health: health))
        let running = Locked<ServiceGroup?>(nil)
        let crewing = Crewing(
            live: live, health: health, observer: observer, running: running, reported: Locked([]),
            codeRelease: CodeRelease())
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        // The pollers of now: a shared store's change with each term, and a standby has none.
        let pollers: @Sendable () -> [PollerService]
        if let lease {
            let current = Locked<[PollerService]>([])
            pollers = { current.withLock { $0 } }
            services.append(
                .init(
                    service: leadership(
                        lease, timing: leaseTiming ?? .configured(configuration.poll), crewing: crewing,
                        current: current)))
        } else {
            let crew = self.crew(crewing, keeper: nil)
            pollers = { crew.pollers }
            services.append(.init(service: crew.deliveries))
            services += crew.pollers.map { .init(service: $0) }
        }
        let reload = ReloadService {
            await self.reload(live: live, pollers: pollers(), health: health, webhookSecrets: webhookSecrets)
        }
        services.insert(.init(service: reload), at: 1)
        if let http = configuration.http {
            services.append(
                .init(
                    service: try webServer(
                        http, configuration: configuration,
                        webhooks: webhookEndpoint(
                            secrets: webhookSecrets, accounts: configuration.accounts.map(\.name),
                            configuration: configuration,
                            queue: { account in pollers().first { $0.account == account }?.syncs }))))
        }
        if let notifier {
            // Last, so that a stop reaches it first and STOPPING=1 goes out at once.
            services.append(
                .init(service: HeartbeatService(notifier: notifier, health: health, logger: logger)))
        }
        var group = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // A safety net only: hooks are stopped after stop_timeout and killed 5 s later.
        group.maximumGracefulShutdownDuration = .seconds(configuration.daemon.stopTimeout + 20)
        let serviceGroup = ServiceGroup(configuration: group)
        running.withLock { $0 = serviceGroup }
        try await serviceGroup.run()
    }

    /// What the pollers and the deliveries of every term share.
    struct Crewing: Sendable {
        let live: LiveConfiguration
        let health: HealthMonitor
        let observer: Observer?
        let running: Locked<ServiceGroup?>
        /// The accounts whose first cycle was reported (`READY=1` once all were).
        let reported: Locked<Set<String>>
        let codeRelease: CodeRelease
    }

    /// The poll and hook side: one `DeliveryService` and a `PollerService` per account. The
    /// SQLite daemon makes one crew for its whole run; a shared store's leader one per term,
    /// whose pollers renew the lease at each cycle's start and whose store faults tell the
    /// `keeper` when a write was refused for want of the lease.
    struct Crew: Sendable {
        let deliveries: DeliveryService
        let pollers: [PollerService]
    }

    func crew(_ crewing: Crewing, keeper: LeaseKeeper?) -> Crew {
        let live = crewing.live
        let health = crewing.health
        let deliveries = DeliveryService(live: live, logger: logger) { error in keeper?.check(error) }
        let pollers = live.current.configuration.accounts.map { account in
            var poller = PollerService(account: account.name, live: live, health: health, logger: logger) {
                tick in
                if let fault = tick.storeFault { keeper?.check(fault) }
                ProcessMemory.releaseFreeMemory()
                let first = crewing.reported.withLock {
                    $0.insert(tick.account).inserted && $0.count == live.current.cycles.count
                }
                let pending = await self.report(tick, health: health, allAccountsReported: first)
                // After the report: the first round's (READY=1, the first outcome written)
                // is code that ran once too.
                if crewing.codeRelease.due(firstRoundDone: first) { ProcessMemory.releaseCodePages() }
                // The cycle's new deliveries, and those a storage fault held back once the
                // database takes writes again.
                if pending > 0, tick.storeFault == nil { deliveries.wake() }
                if let observer = crewing.observer, await !observer(tick) {
                    await crewing.running.withLock { $0 }?.triggerGracefulShutdown()
                }
            } onSync: { sync in
                if case .failure(let error) = sync.result { keeper?.check(error) }
                // A webhook's job changed: its hooks run now, not after the next cycle.
                if !sync.transitions.isEmpty { deliveries.wake() }
            }
            if let keeper { poller.beforeCycle = { await keeper.renew() } }
            return poller
        }
        return Crew(deliveries: deliveries, pollers: pollers)
    }

    /// `POST /webhooks/{account}` for the accounts with a secret: each valid event hands its
    /// job to that account's poller (`PollerService.requestSync`), which syncs it between
    /// cycles; the answer never waits for it. Nil when no account has a secret: every
    /// webhook then gets 400. Each account's poller is found when a webhook comes (`queue`): a shared store's
    /// leader makes new pollers at each term, and a standby has none (it drops the webhook:
    /// the leader's cycles sync the job).
    func webhookEndpoint(
        secrets: [String: String], accounts: [String], configuration: Configuration,
        queue: @escaping @Sendable (String) -> JobSyncQueue?
    ) throws(ConfigurationError) -> WebhookEndpoint? {
        var verifiers: [String: WebhookVerifier] = [:]
        for account in accounts {
            guard let secret = secrets[account] else { continue }
            do {
                verifiers[account] = try WebhookVerifier(secret: secret)
            } catch {
                // `webhookSecrets(_:resolver:)` checked it already; a caller that did not
                // learns it here, before anything starts.
                let section =
                    configuration.account(named: account)?.configKey ?? "accounts.\(account)"
                throw .invalid("\(section).webhook_secret_env", error.description)
            }
        }
        guard !verifiers.isEmpty else { return nil }
        return WebhookEndpoint(verifiers: verifiers, logger: logger) { account, jobID in
            queue(account)?.request(jobID)
        }
    }

    /// `[http]`: the JSON API, `/metrics` and `/healthz` beside the poller, reading the
    /// same store, and the webhooks when an account takes them.
    func webServer(_ http: HTTPSettings, configuration: Configuration, webhooks: WebhookEndpoint? = nil)
        throws -> some Service
    {
        let token = try http.tokenFile.map { file throws(ConfigurationError) in try HTTPToken.read(file) }
        var server = WebServer(
            settings: http, token: token, store: store, poll: configuration.poll, logger: logger,
            version: BuildInfo.version, metrics: metrics, accounts: configuration.accounts.map(\.name),
            prices: configuration.priceBook)
        server.webhooks = webhooks
        let logger = self.logger
        let listening = dashboardListening
        return server.service { port in
            let address = "http://\(http.authority(port: port))/"
            logger.info("dashboard on \(address)")
            await listening(address)
        }
    }

    /// The parts built from one configuration, by the `Assembly`: a cycle per account,
    /// each with its own API client, and one dispatcher.
    func snapshot(_ configuration: Configuration, apiKeys: [String: String], health: HealthMonitor?)
        -> LiveConfiguration.Snapshot
    {
        let assembly = Assembly(
            configuration: configuration, apiKeys: apiKeys, store: store, httpClient: httpClient,
            logger: logger, metricsFactory: metricsFactory)
        let hooks = self.hooks
        let keyVariables = self.keyVariables
        let cycles = configuration.accounts.map { account in
            var onAttempt: (@Sendable () -> Void)?
            if let health { onAttempt = { health.progressed(account: account.name) } }
            let api = assembly.api(for: account, onAttempt: onAttempt)
            return assembly.cycle(account: account, api: api, hooks: { hooks.withLock { $0 } })
        }
        var dispatcher = assembly.dispatcher(
            hooks: { hooks.withLock { $0 } }, keyVariables: { keyVariables.withLock { $0 } })
        let leaseLost = self.leaseLost
        dispatcher.cutAtOnce = { leaseLost.withLock { $0 } }
        return LiveConfiguration.Snapshot(
            configuration: configuration, cycles: cycles, dispatcher: dispatcher)
    }

    /// After each cycle: the outcome into the database for `ftd status`, and to systemd
    /// `STATUS=`, preceded by `READY=1` after the first. Returns the deliveries pending.
    /// `READY=1` goes out once every account's first cycle ended (`allAccountsReported`).
    @discardableResult
    func report(_ tick: PollerService.Tick, health: HealthMonitor, allAccountsReported: Bool = true) async
        -> Int
    {
        // Counted first, in memory: `/metrics` hears of the cycle even when the database
        // cannot take its outcome.
        PollMetrics(account: tick.account, factory: metricsFactory).cycleEnded(tick.outcome)
        // After a storage fault the outcome could not be written either (and a locked
        // database would hold the daemon another busy timeout): the cycle's error line says
        // it all.
        if tick.storeFault == nil {
            do {
                try await store.recordCycleOutcome(tick.outcome, account: tick.account)
            } catch {
                logger.error(
                    "cannot record the cycle's outcome: \(error)", metadata: ["account": "\(tick.account)"])
            }
        }
        if let report = tick.report, report.recorded, report.failures.isEmpty, report.transitions.isEmpty {
            logger.debug(
                "quiet cycle",
                metadata: ["cycle.requests": "\(report.requests)", "jobs.active": "\(report.activeJobs)"])
        }
        let pending = (try? await store.pendingDeliveryCount()) ?? 0
        // The tick's own count when it is the whole daemon's (one account); else the store's,
        // read only then: a single-account tick costs no further read.
        var activeJobs = accountCount.withLock { $0 } == 1 ? tick.report?.activeJobs : nil
        if activeJobs == nil { activeJobs = try? await store.daemonStatus().activeJobs }
        let text = StatusLine.text(
            activeJobs: activeJobs ?? 0, outcome: tick.outcome, pendingDeliveries: pending)
        statusText.withLock { $0 = text }
        if health.isReady || !allAccountsReported {
            if health.isReady { notifier?.send([NotifyMessage.status(text)]) }
            return pending
        }
        if let notifier {
            var lines = [NotifyMessage.ready, NotifyMessage.status(text)]
            if notifier.watchdogInterval != nil { lines.append(NotifyMessage.watchdog) }
            notifier.send(lines)
        }
        // After READY=1 went out: the heartbeat's pings must not precede it.
        health.becameReady()
        logger.info("ready: first cycle done, \(text)")
        return pending
    }
}
