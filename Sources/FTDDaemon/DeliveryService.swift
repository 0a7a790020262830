import Logging
import ServiceLifecycle

/// The daemon's hook side, beside the poller: drains the outbox at start (deliveries an
/// earlier run left undone) and whenever a cycle committed new ones. It runs apart from
/// the poller so that a slow hook never holds the poll timer.
///
/// On graceful shutdown the drain is cancelled: no new attempt starts, and a hook already
/// running gets `daemon.stop_timeout` to finish (`HookDispatcher.stopGrace`) before its
/// process group is stopped; its delivery then stays pending and runs after the next start.
public struct DeliveryService: Service {
    let live: LiveConfiguration
    let logger: Logger
    /// Hears what a drain threw (a shared store's leader learns that it lost the lease).
    let failed: @Sendable (any Error) -> Void
    private let wakeups: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init(
        live: LiveConfiguration, logger: Logger, failed: @escaping @Sendable (any Error) -> Void = { _ in }
    ) {
        self.live = live
        self.logger = logger
        self.failed = failed
        (wakeups, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.yield()  // the deliveries left undone by an earlier run
    }

    /// Asks for a drain; cheap, never waits. Wakeups during a drain fold into one more.
    public func wake() { continuation.yield() }

    public func run() async throws {
        for await _ in wakeups.cancelOnGracefulShutdown() {
            let dispatcher = live.current.dispatcher
            do {
                try await cancelWhenGracefulShutdown { try await dispatcher.drain() }
            } catch is CancellationError {
                break
            } catch {
                logger.error("running hooks failed: \(error)")
                failed(error)
            }
        }
        continuation.finish()
    }
}
