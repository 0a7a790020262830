import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The daemon's poll loop as a swift-service-lifecycle `Service`.
///
/// Cycles start on the timer's ticks, one at a time, each with the configuration current
/// when it starts. On graceful shutdown (SIGTERM, SIGINT) the tick stream ends and a
/// running cycle is cancelled: its pending requests stop, and since a cycle commits only
/// at its end, in one synchronous transaction, the database is left between two writes,
/// never in the middle of one.
public struct PollerService: Service {
    /// What one tick did, for the daemon's reports (`STATUS=`, `ftd status`).
    public struct Tick: Sendable {
        public var outcome: CycleOutcome
        /// Nil when the cycle threw.
        public var report: CycleReport?
    }

    let live: LiveConfiguration
    let health: HealthMonitor?
    let logger: Logger
    let onCycle: @Sendable (Tick) async -> Void
    private let timer: CycleTimer
    private let schedule: Locked<Schedule>

    struct Schedule {
        var interval: Int
        var activeJobs: Int?
    }

    /// The first cycle starts as soon as `run()` does.
    public init(
        live: LiveConfiguration, health: HealthMonitor? = nil, logger: Logger,
        onCycle: @escaping @Sendable (Tick) async -> Void = { _ in }
    ) {
        self.live = live
        self.health = health
        self.logger = logger
        self.onCycle = onCycle
        let interval = live.current.configuration.poll.interval
        self.timer = CycleTimer(interval: .seconds(interval))
        self.schedule = Locked(Schedule(interval: interval))
    }

    /// `interval` while any job is active, `idle_interval` otherwise.
    public static func interval(activeJobs: Int, settings: PollSettings) -> Int {
        activeJobs > 0 ? settings.interval : settings.idleInterval
    }

    /// After a reload: applies changed intervals now rather than after the next tick.
    public func settingsChanged() {
        let settings = live.current.configuration.poll
        schedule.withLock { schedule in
            let next = Self.interval(activeJobs: schedule.activeJobs ?? 1, settings: settings)
            guard next != schedule.interval else { return }
            schedule.interval = next
            timer.reschedule(every: .seconds(next))
            logger.info("poll interval now \(next) s")
        }
    }

    public func run() async throws {
        defer { timer.cancel() }
        for await _ in timer.ticks.cancelOnGracefulShutdown() {
            let snapshot = live.current
            let startedAt = Date()
            health?.cycleStarted()
            let report: CycleReport?
            var thrown: (any Error)?
            do {
                report = try await cancelWhenGracefulShutdown { try await snapshot.cycle.run() }
            } catch is CancellationError {
                break
            } catch {
                logger.error("poll cycle failed: \(error)")
                report = nil
                thrown = error
            }
            let interval = reschedule(activeJobs: report?.activeJobs, settings: snapshot.configuration.poll)
            let now = Date()
            // A moved timer ticks one interval from now; otherwise one after this tick.
            let nextAt =
                interval.changed
                ? now.addingTimeInterval(Double(interval.value))
                : max(now, startedAt.addingTimeInterval(Double(interval.value)))
            health?.cycleFinished(nextIn: nextAt.timeIntervalSince(now))
            let finishedAt = Int64(now.timeIntervalSince1970)
            let next = Int64(nextAt.timeIntervalSince1970.rounded())
            let outcome =
                if let report {
                    CycleOutcome(report: report, finishedAt: finishedAt, nextCycleAt: next)
                } else {
                    CycleOutcome(
                        thrown: thrown ?? CancellationError(), finishedAt: finishedAt, nextCycleAt: next)
                }
            await onCycle(Tick(outcome: outcome, report: report))
        }
        logger.info("poller stopped")
    }

    /// Picks the interval for the jobs now active and moves the timer when it changed.
    private func reschedule(activeJobs: Int?, settings: PollSettings) -> (value: Int, changed: Bool) {
        schedule.withLock { schedule in
            if let activeJobs { schedule.activeJobs = activeJobs }
            let next = Self.interval(activeJobs: schedule.activeJobs ?? 1, settings: settings)
            guard next != schedule.interval else { return (next, false) }
            logger.debug(
                "poll interval now \(next) s", metadata: ["jobs.active": "\(schedule.activeJobs ?? 0)"])
            timer.reschedule(every: .seconds(next))
            schedule.interval = next
            return (next, true)
        }
    }
}
