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
/// The caller opens the database, holds the `DaemonLock` and owns the `HTTPClient`.
/// `ftd run`, `ftd run --once` and `ftd demo` all run this type; its parts come from the
/// `Assembly`.
public struct Daemon: Sendable {
    /// Loads and validates the configuration again, with the API key, for a reload.
    public typealias Loader = @Sendable () throws -> (Configuration, apiKey: String)
    /// Hears each cycle once its outcome is recorded; answers false to stop the daemon
    /// gracefully, as SIGTERM would (`ftd demo` stops once its job is done).
    public typealias Observer = @Sendable (PollerService.Tick) async -> Bool

    let store: SQLiteStore
    let httpClient: HTTPClient
    let notifier: SystemdNotifier?
    let loader: Loader
    let logger: Logger
    /// What `[http]` serves at `/metrics`.
    let metrics: MetricsEndpoint
    /// Where the daemon's parts count; `ftd run` bootstraps `metrics.factory` as the
    /// process's, so that this default is it.
    let metricsFactory: any MetricsFactory
    private let hooks: Locked<[HookSettings]>
    /// Every variable that held the API key during this run: after a reload moves the key
    /// elsewhere, the old variable is still in the process's environment.
    private let keyVariables = Locked<Set<String>>([])
    private let statusText = Locked<String?>(nil)
    /// Hears the dashboard's address once `[http]` is listening (`ftd demo` prints it).
    let dashboardListening: @Sendable (String) async -> Void

    public init(
        store: SQLiteStore, httpClient: HTTPClient, notifier: SystemdNotifier?, loader: @escaping Loader,
        logger: Logger, metrics: MetricsEndpoint = MetricsEndpoint(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        dashboardListening: @escaping @Sendable (String) async -> Void = { _ in }
    ) {
        self.store = store
        self.httpClient = httpClient
        self.notifier = notifier
        self.loader = loader
        self.logger = logger
        self.metrics = metrics
        self.metricsFactory = metricsFactory
        self.hooks = Locked([])
        self.dashboardListening = dashboardListening
    }

    /// Runs until a graceful stop has finished (exit 0), with the configuration given.
    public func run(configuration: Configuration, apiKey: String, observer: Observer? = nil) async throws {
        let health = HealthMonitor(stallBound: Heartbeat.stallBound(api: configuration.api))
        hooks.withLock { $0 = configuration.hooks }
        keyVariables.withLock { $0 = [configuration.api.apiKeyEnv] }
        let live = LiveConfiguration(snapshot(configuration, apiKey: apiKey, health: health))
        let deliveries = DeliveryService(live: live, logger: logger)
        let running = Locked<ServiceGroup?>(nil)
        let poller = PollerService(live: live, health: health, logger: logger) { tick in
            ProcessMemory.releaseFreeMemory()
            let pending = await self.report(tick, health: health)
            // The cycle's new deliveries, and those a storage fault held back once the
            // database takes writes again.
            if pending > 0, tick.storeFault == nil { deliveries.wake() }
            if let observer, await !observer(tick) {
                await running.withLock { $0 }?.triggerGracefulShutdown()
            }
        }
        let reload = ReloadService {
            await self.reload(live: live, poller: poller, health: health)
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: deliveries), .init(service: reload), .init(service: poller),
        ]
        if let http = configuration.http {
            services.append(.init(service: try webServer(http, configuration: configuration)))
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

    /// What `runOnce` throws when the database refused the cycle's own write: nothing of
    /// the cycle was recorded. A storage fault before the cycle (the earlier deliveries) or
    /// after it (its outcome, its deliveries) is thrown as it is: the cycle was recorded.
    public struct CycleNotRecorded: Error, CustomStringConvertible {
        public var fault: StoreError
        public var description: String { "\(fault); nothing of this cycle was recorded" }
    }

    /// `[http]`: the JSON API, `/metrics` and `/healthz` beside the poller, reading the
    /// same store.
    func webServer(_ http: HTTPSettings, configuration: Configuration) throws -> some Service {
        let token = try http.tokenFile.map { file throws(ConfigurationError) in try HTTPToken.read(file) }
        let server = WebServer(
            settings: http, token: token, store: store, poll: configuration.poll, logger: logger,
            version: BuildInfo.version, metrics: metrics)
        let logger = self.logger
        let listening = dashboardListening
        return server.service { port in
            let address = "http://\(http.authority(port: port))/"
            logger.info("dashboard on \(address)")
            await listening(address)
        }
    }

    /// `ftd run --once`: the deliveries an earlier run left, one cycle with its outcome
    /// recorded as the daemon records it, then that cycle's deliveries. A failed hook is
    /// recorded, not thrown; a cycle that threw is recorded as failed and rethrown, unless
    /// the database itself refused it (`CycleNotRecorded`).
    public func runOnce(configuration: Configuration, apiKey: String) async throws -> CycleReport {
        hooks.withLock { $0 = configuration.hooks }
        keyVariables.withLock { $0 = [configuration.api.apiKeyEnv] }
        let parts = snapshot(configuration, apiKey: apiKey, health: nil)
        try await parts.dispatcher.drain()
        let report: CycleReport
        let counter = parts.cycle.metrics
        do {
            report = try await parts.cycle.run()
        } catch let fault as StoreError where fault.isStorageFault {
            counter.cycleEnded(CycleOutcome(thrown: fault, finishedAt: PollCycle.unixNow(), nextCycleAt: nil))
            // Writing the outcome would fail too (or wait out another busy timeout).
            throw CycleNotRecorded(fault: fault)
        } catch {
            let outcome = CycleOutcome(thrown: error, finishedAt: PollCycle.unixNow(), nextCycleAt: nil)
            counter.cycleEnded(outcome)
            try? await store.recordCycleOutcome(outcome)
            throw error
        }
        let outcome = CycleOutcome(report: report, finishedAt: PollCycle.unixNow(), nextCycleAt: nil)
        counter.cycleEnded(outcome)
        try await store.recordCycleOutcome(outcome)
        try await parts.dispatcher.drain()
        return report
    }

    /// The parts built from one configuration, by the `Assembly`.
    func snapshot(_ configuration: Configuration, apiKey: String, health: HealthMonitor?)
        -> LiveConfiguration.Snapshot
    {
        let assembly = Assembly(
            configuration: configuration, apiKey: apiKey, store: store, httpClient: httpClient,
            logger: logger, metricsFactory: metricsFactory)
        let hooks = self.hooks
        let keyVariables = self.keyVariables
        var onAttempt: (@Sendable () -> Void)?
        if let health { onAttempt = { health.progressed() } }
        let api = assembly.api(onAttempt: onAttempt)
        let cycle = assembly.cycle(api: api, hooks: { hooks.withLock { $0 } })
        let dispatcher = assembly.dispatcher(
            hooks: { hooks.withLock { $0 } }, keyVariables: { keyVariables.withLock { $0 } })
        return LiveConfiguration.Snapshot(configuration: configuration, cycle: cycle, dispatcher: dispatcher)
    }

    /// After each cycle: the outcome into the database for `ftd status`, and to systemd
    /// `STATUS=`, preceded by `READY=1` after the first. Returns the deliveries pending.
    @discardableResult
    func report(_ tick: PollerService.Tick, health: HealthMonitor) async -> Int {
        // Counted first, in memory: `/metrics` hears of the cycle even when the database
        // cannot take its outcome.
        PollMetrics(factory: metricsFactory).cycleEnded(tick.outcome)
        // After a storage fault the outcome could not be written either (and a locked
        // database would hold the daemon another busy timeout): the cycle's error line says
        // it all.
        if tick.storeFault == nil {
            do {
                try await store.recordCycleOutcome(tick.outcome)
            } catch {
                logger.error("cannot record the cycle's outcome: \(error)")
            }
        }
        if let report = tick.report, report.recorded, report.failures.isEmpty, report.transitions.isEmpty {
            logger.debug(
                "quiet cycle",
                metadata: ["cycle.requests": "\(report.requests)", "jobs.active": "\(report.activeJobs)"])
        }
        let pending = (try? await store.pendingDeliveryCount()) ?? 0
        var activeJobs = tick.report?.activeJobs
        if activeJobs == nil { activeJobs = try? await store.daemonStatus().activeJobs }
        let text = StatusLine.text(
            activeJobs: activeJobs ?? 0, outcome: tick.outcome, pendingDeliveries: pending)
        statusText.withLock { $0 = text }
        if health.isReady {
            notifier?.send([NotifyMessage.status(text)])
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

    /// SIGHUP: the new configuration replaces the running one whole, or not at all.
    func reload(live: LiveConfiguration, poller: PollerService, health: HealthMonitor) async {
        // Before READY=1 systemd has no reload to hear about.
        let announce = health.isReady ? notifier : nil
        announce?.send(NotifyMessage.reloading(monotonicMicroseconds: NotifyMessage.monotonicNow()))
        let running = live.current.configuration
        do {
            var (configuration, apiKey) = try loader()
            if configuration.sourcePath != running.sourcePath {
                // /etc/ftd/ftd.toml gone: the built-in defaults (no hooks) are not what the
                // administrator meant.
                throw ConfigurationError(
                    key: nil,
                    description:
                        "\(running.sourcePath ?? "the built-in defaults") was read at start, now \(configuration.sourcePath ?? "the built-in defaults") would be: restart ftd to switch"
                )
            }
            if configuration.http != running.http {
                logger.warning("http settings change only at the next start: the server stays as it was")
                configuration.http = running.http
            }
            if configuration.storage != running.storage {
                logger.warning(
                    "storage settings change only at the next start: the database stays \(running.storage.database)"
                )
                configuration.storage = running.storage
            }
            keyVariables.withLock { _ = $0.insert(configuration.api.apiKeyEnv) }
            hooks.withLock { $0 = configuration.hooks }
            live.replace(with: snapshot(configuration, apiKey: apiKey, health: health))
            health.setStallBound(Heartbeat.stallBound(api: configuration.api))
            poller.settingsChanged()
            let names = configuration.hooks.map(\.name).joined(separator: ", ")
            logger.notice(
                "configuration reloaded from \(configuration.sourcePath ?? "the built-in defaults"): \(configuration.hooks.count) hook(s)\(names.isEmpty ? "" : " (\(names))"), poll every \(configuration.poll.interval) s (idle \(configuration.poll.idleInterval) s)"
            )
        } catch {
            logger.error("reload rejected, the running configuration stays: \(error)")
        }
        var lines = [NotifyMessage.ready]
        if let text = statusText.withLock({ $0 }) { lines.append(NotifyMessage.status(text)) }
        announce?.send(lines)
    }
}
