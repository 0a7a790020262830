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

extension Daemon {
    /// SIGHUP: the new configuration replaces the running one whole, or not at all. The
    /// webhook secrets stay those of the start (`webhookSecrets`), as the server does.
    func reload(
        live: LiveConfiguration, pollers: [PollerService], health: HealthMonitor,
        webhookSecrets: [String: String] = [:]
    ) async {
        // Before READY=1 systemd has no reload to hear about.
        let announce = health.isReady ? notifier : nil
        announce?.send(NotifyMessage.reloading(monotonicMicroseconds: NotifyMessage.monotonicNow()))
        let running = live.current.configuration
        do {
            var (configuration, apiKeys, newSecrets) = try loader()
            if configuration.sourcePath != running.sourcePath {
                // /etc/ftd/ftd.toml gone: the built-in defaults (no hooks) are not what the
                // administrator meant.
                throw ConfigurationError(
                    key: nil,
                    description:
                        "\(running.sourcePath ?? "the built-in defaults") was read at start, now \(configuration.sourcePath ?? "the built-in defaults") would be: restart ftd to switch"
                )
            }
            let names = configuration.accounts.map(\.name)
            // By name: each poller finds its account's cycle by name, so an order changed
            // in the file is no change.
            if Set(names) != Set(running.accounts.map(\.name)) {
                // Each account polls on a service of its own, made at the start.
                throw ConfigurationError(
                    key: "accounts",
                    description:
                        "the accounts were \(running.accounts.map(\.name).joined(separator: ", ")), now \(names.joined(separator: ", ")): accounts are added, removed or renamed only at a restart (systemctl restart ftd)"
                )
            }
            if configuration.http != running.http {
                logger.warning("http settings change only at the next start: the server stays as it was")
                configuration.http = running.http
            }
            if configuration.storage != running.storage {
                logger.warning(
                    "storage settings change only at the next start: the database stays \(running.storage.displayName)"
                )
                configuration.storage = running.storage
            }
            if newSecrets != webhookSecrets {
                // Named by account only: a secret never reaches a log line.
                let changed = Set(newSecrets.keys).union(webhookSecrets.keys)
                    .filter { newSecrets[$0] != webhookSecrets[$0] }.sorted()
                logger.warning(
                    "webhook secrets change only at the next start: the webhooks of \(changed.joined(separator: ", ")) are still checked with the secrets read at start (systemctl restart ftd to use the new ones)"
                )
            }
            keyVariables.withLock { $0.formUnion(Self.secretVariables(configuration)) }
            hooks.withLock { $0 = configuration.hooks }
            live.replace(with: snapshot(configuration, apiKeys: apiKeys, health: health))
            health.setStallBound(Self.stallBound(configuration))
            for poller in pollers { poller.settingsChanged() }
            let hookNames = configuration.hooks.map(\.name).joined(separator: ", ")
            logger.notice(
                "configuration reloaded from \(configuration.sourcePath ?? "the built-in defaults"): \(configuration.hooks.count) hook(s)\(hookNames.isEmpty ? "" : " (\(hookNames))"), poll every \(configuration.poll.interval) s (idle \(configuration.poll.idleInterval) s)"
            )
        } catch {
            logger.error("reload rejected, the running configuration stays: \(error)")
        }
        var lines = [NotifyMessage.ready]
        if let text = statusText.withLock({ $0 }) { lines.append(NotifyMessage.status(text)) }
        announce?.send(lines)
    }
}
