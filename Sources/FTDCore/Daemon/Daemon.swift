import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// `ftd run` as a long-running service: the poller, the hook deliveries, SIGHUP reloads
/// and, under systemd, the sd_notify conversation, in one `ServiceGroup` that turns
/// SIGTERM/SIGINT into a graceful stop.
///
/// The caller opens the database, holds the `DaemonLock` and owns the `HTTPClient`.
public struct Daemon: Sendable {
    /// Loads and validates the configuration again, with the API key, for a reload.
    public typealias Loader = @Sendable () throws -> (Configuration, apiKey: String)

    let database: AppDatabase
    let httpClient: HTTPClient
    let notifier: SystemdNotifier?
    let loader: Loader
    let logger: Logger
    private let hooks: Locked<[HookSettings]>
    /// Every variable that held the API key during this run: after a reload moves the key
    /// elsewhere, the old variable is still in the process's environment.
    private let keyVariables = Locked<Set<String>>([])
    private let statusText = Locked<String?>(nil)

    public init(
        database: AppDatabase, httpClient: HTTPClient, notifier: SystemdNotifier?, loader: @escaping Loader,
        logger: Logger
    ) {
        self.database = database
        self.httpClient = httpClient
        self.notifier = notifier
        self.loader = loader
        self.logger = logger
        self.hooks = Locked([])
    }

    /// Runs until a graceful stop has finished (exit 0), with the configuration given.
    public func run(configuration: Configuration, apiKey: String) async throws {
        let health = HealthMonitor(stallBound: Heartbeat.stallBound(api: configuration.api))
        hooks.withLock { $0 = configuration.hooks }
        keyVariables.withLock { $0 = [configuration.api.apiKeyEnv] }
        let live = LiveConfiguration(snapshot(configuration, apiKey: apiKey, health: health))
        let deliveries = DeliveryService(live: live, logger: logger)
        let poller = PollerService(live: live, health: health, logger: logger) { tick in
            ProcessMemory.releaseFreeMemory()
            let pending = self.report(tick, health: health)
            // The cycle's new deliveries, and those a storage fault held back once the
            // database takes writes again.
            if pending > 0, tick.storeFault == nil { deliveries.wake() }
        }
        let reload = ReloadService {
            await self.reload(live: live, poller: poller, health: health)
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: deliveries), .init(service: reload), .init(service: poller),
        ]
        if let notifier {
            // Last, so that a stop reaches it first and STOPPING=1 goes out at once.
            services.append(
                .init(service: HeartbeatService(notifier: notifier, health: health, logger: logger)))
        }
        var group = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // A safety net only: hooks are stopped after stop_timeout and killed 5 s later.
        group.maximumGracefulShutdownDuration = .seconds(configuration.daemon.stopTimeout + 20)
        try await ServiceGroup(configuration: group).run()
    }

    /// The parts built from one configuration.
    func snapshot(_ configuration: Configuration, apiKey: String, health: HealthMonitor)
        -> LiveConfiguration.Snapshot
    {
        var api = OpenAIClient(
            settings: configuration.api, apiKey: apiKey, httpClient: httpClient, logger: logger)
        api.onAttempt = { health.progressed() }
        let hooks = self.hooks
        var cycle = PollCycle(api: api, store: database, logger: logger)
        // Read when the cycle commits: a reload during a cycle reaches its transitions.
        cycle.hookSource = { hooks.withLock { $0 } }
        let keyVariables = self.keyVariables
        let runner = HookRunner(keyVariables: { keyVariables.withLock { $0 } }, logger: logger)
        var dispatcher = HookDispatcher(
            outbox: database, runner: runner, hookSource: { hooks.withLock { $0 } },
            databasePath: configuration.storage.database, logger: logger)
        dispatcher.stopGrace = .milliseconds(Int64(configuration.daemon.stopTimeout * 1000))
        return LiveConfiguration.Snapshot(configuration: configuration, cycle: cycle, dispatcher: dispatcher)
    }

    /// After each cycle: the outcome into the database for `ftd status`, and to systemd
    /// `STATUS=`, preceded by `READY=1` after the first. Returns the deliveries pending.
    @discardableResult
    func report(_ tick: PollerService.Tick, health: HealthMonitor) -> Int {
        // After a storage fault the outcome could not be written either (and a locked
        // database would hold the daemon another busy timeout): the cycle's error line says
        // it all.
        if tick.storeFault == nil {
            do {
                try database.recordCycleOutcome(tick.outcome)
            } catch {
                logger.error("cannot record the cycle's outcome: \(error)")
            }
        }
        if let report = tick.report, report.recorded, report.failures.isEmpty, report.transitions.isEmpty {
            logger.debug(
                "quiet cycle",
                metadata: ["cycle.requests": "\(report.requests)", "jobs.active": "\(report.activeJobs)"])
        }
        let pending = (try? database.pendingDeliveryCount()) ?? 0
        let activeJobs = tick.report?.activeJobs ?? (try? database.daemonStatus().activeJobs) ?? 0
        let text = StatusLine.text(activeJobs: activeJobs, outcome: tick.outcome, pendingDeliveries: pending)
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
