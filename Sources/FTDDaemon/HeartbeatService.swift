import Logging
import ServiceLifecycle

/// Talks to systemd between cycles: `WATCHDOG=1` every half `WATCHDOG_USEC` while the
/// poller is healthy (`Heartbeat`), more start-up time while a long first sync is still
/// moving, and `STOPPING=1` the moment a graceful stop begins. It is the last service of
/// the daemon's group, so the first one a stop reaches.
public struct HeartbeatService: Service {
    let notifier: SystemdNotifier
    let health: HealthMonitor
    let logger: Logger
    /// Without a watchdog, ticks only serve the start-up extension.
    static let defaultPeriod: Duration = .seconds(30)

    public init(notifier: SystemdNotifier, health: HealthMonitor, logger: Logger) {
        self.notifier = notifier
        self.health = health
        self.logger = logger
    }

    public func run() async throws {
        let period = notifier.watchdogInterval ?? Self.defaultPeriod
        let seconds = period.inSeconds
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
            } catch {
                break
            }
            switch health.action(period: seconds, watchdogEnabled: notifier.watchdogInterval != nil) {
            case .ping:
                notifier.send([NotifyMessage.watchdog])
            case .extendStart(let extra):
                notifier.send([NotifyMessage.extendTimeout(by: .milliseconds(Int64(extra * 1000)))])
            case .none:
                if health.isReady {
                    logger.error(
                        "the poll cycle is not making progress: no watchdog ping, systemd will restart ftd")
                }
            }
        }
        notifier.send([NotifyMessage.stopping])
        logger.info("stopping")
    }
}
