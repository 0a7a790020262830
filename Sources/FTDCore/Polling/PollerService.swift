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
///
/// A cycle that throws is logged and the next one runs on time, except when the database
/// file is damaged or was replaced: then `run()` throws that `StoreError`, which ends the
/// daemon.
public struct PollerService: Service {
    /// What one tick did, for the daemon's reports (`STATUS=`, `ftd status`).
    public struct Tick: Sendable {
        public var outcome: CycleOutcome
        /// Nil when the cycle threw.
        public var report: CycleReport?
        /// The storage fault the cycle threw, when it did: the database refused the write.
        public var storeFault: StoreError?
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
        /// When the timer ticks next, on the clock of the timer and of systemd's watchdog.
        var nextTick: SuspendingClock.Instant = .now
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
        let moved: Int? = schedule.withLock { schedule in
            let next = Self.interval(activeJobs: schedule.activeJobs ?? 1, settings: settings)
            guard next != schedule.interval else { return nil }
            schedule.interval = next
            schedule.nextTick = .now + .seconds(next)
            timer.reschedule(every: .seconds(next))
            return next
        }
        if let moved {
            health?.rescheduled(nextIn: Double(moved))
            logger.info("poll interval now \(moved) s")
        }
    }

    public func run() async throws {
        defer { timer.cancel() }
        for await _ in timer.ticks.cancelOnGracefulShutdown() {
            let snapshot = live.current
            schedule.withLock { $0.nextTick = .now + .seconds($0.interval) }
            health?.cycleStarted()
            let report: CycleReport?
            var thrown: (any Error)?
            do {
                report = try await cancelWhenGracefulShutdown { try await snapshot.cycle.run() }
            } catch is CancellationError {
                break
            } catch let fault as StoreError where fault.isStorageFault {
                // A damaged or replaced database stops the daemon (the caller exits non-zero
                // with the message); a full, read-only or locked one is waited out.
                guard fault.isTransient else { throw fault }
                logger.error("\(fault); nothing of this cycle was recorded, retrying next cycle")
                report = nil
                thrown = fault
            } catch {
                logger.error("poll cycle failed: \(error)")
                report = nil
                thrown = error
            }
            let nextIn = reschedule(activeJobs: report?.activeJobs)
            health?.cycleFinished(nextIn: nextIn)
            let now = Date()
            let finishedAt = Int64(now.timeIntervalSince1970)
            let next = Int64(now.addingTimeInterval(nextIn).timeIntervalSince1970.rounded())
            let outcome =
                if let report {
                    CycleOutcome(report: report, finishedAt: finishedAt, nextCycleAt: next)
                } else {
                    CycleOutcome(
                        thrown: thrown ?? CancellationError(), finishedAt: finishedAt, nextCycleAt: next)
                }
            await onCycle(Tick(outcome: outcome, report: report, storeFault: thrown as? StoreError))
        }
        logger.info("poller stopped")
    }

    /// Picks the interval for the jobs now active (with the settings current now, which a
    /// reload during the cycle may have changed), moves the timer when it changed, and
    /// returns the seconds until the next tick.
    private func reschedule(activeJobs: Int?) -> Double {
        let settings = live.current.configuration.poll
        return schedule.withLock { schedule in
            if let activeJobs { schedule.activeJobs = activeJobs }
            let next = Self.interval(activeJobs: schedule.activeJobs ?? 1, settings: settings)
            if next != schedule.interval {
                logger.debug(
                    "poll interval now \(next) s", metadata: ["jobs.active": "\(schedule.activeJobs ?? 0)"])
                timer.reschedule(every: .seconds(next))
                schedule.interval = next
                schedule.nextTick = .now + .seconds(next)
            }
            let remaining = SuspendingClock.now.duration(to: schedule.nextTick)
            return max(
                0, Double(remaining.components.seconds) + Double(remaining.components.attoseconds) * 1e-18)
        }
    }
}
