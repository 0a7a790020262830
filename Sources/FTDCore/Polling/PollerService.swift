import Logging
import ServiceLifecycle

/// The daemon's poll loop as a swift-service-lifecycle `Service`.
///
/// Cycles start on the timer's ticks, one at a time. On graceful shutdown (SIGTERM,
/// SIGINT) the tick stream ends and a running cycle is cancelled: its pending requests
/// stop, and since a cycle commits only at its end, the database is left between two
/// writes, never in the middle of one.
public struct PollerService: Service {
    let cycle: PollCycle
    let settings: PollSettings
    let logger: Logger
    let onCycle: @Sendable (CycleReport) async -> Void

    public init(
        cycle: PollCycle, settings: PollSettings, logger: Logger,
        onCycle: @escaping @Sendable (CycleReport) async -> Void = { _ in }
    ) {
        self.cycle = cycle
        self.settings = settings
        self.logger = logger
        self.onCycle = onCycle
    }

    /// `interval` while any job is active, `idle_interval` otherwise.
    public static func interval(activeJobs: Int, settings: PollSettings) -> Int {
        activeJobs > 0 ? settings.interval : settings.idleInterval
    }

    public func run() async throws {
        var current = settings.interval
        let timer = CycleTimer(interval: .seconds(current))
        defer { timer.cancel() }
        for await _ in timer.ticks.cancelOnGracefulShutdown() {
            let report: CycleReport
            do {
                report = try await cancelWhenGracefulShutdown { try await cycle.run() }
            } catch is CancellationError {
                break
            } catch {
                logger.error("poll cycle failed: \(error)")
                continue
            }
            await onCycle(report)
            let next = Self.interval(activeJobs: report.activeJobs, settings: settings)
            if next != current {
                logger.debug("poll interval now \(next) s", metadata: ["jobs.active": "\(report.activeJobs)"])
                timer.reschedule(every: .seconds(next))
                current = next
            }
        }
        logger.info("poller stopped")
    }
}
