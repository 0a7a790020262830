import ServiceLifecycle
import UnixSignals

/// Turns SIGHUP into a configuration reload (`systemctl reload ftd`). Without it SIGHUP's
/// default action would end the daemon.
public struct ReloadService: Service {
    let reload: @Sendable () async -> Void

    public init(reload: @escaping @Sendable () async -> Void) { self.reload = reload }

    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            await reload()
        }
    }
}
