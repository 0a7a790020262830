import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
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
/// Between cycles it syncs the jobs webhooks asked for (`syncs`, `requestSync(_:)`), one at
/// a time with `PollCycle.syncJob(id:)`, never alongside a cycle: a sync is not a cycle
/// and is not reported as one (`onSync`, not `onCycle`), and the timer keeps its beat.
///
/// A cycle that throws is logged and the next one runs on time, except when the database
/// file is damaged or was replaced: then `run()` throws that `StoreError`, which ends the
/// daemon. A sync is the same, except that one that failed is left to the next cycle.
public struct PollerService: Service {
    /// What one tick did, for the daemon's reports (`STATUS=`, `ftd status`).
    public struct Tick: Sendable {
        /// The account whose cycle this was.
        public var account: String = DefaultAccount.name
        public var outcome: CycleOutcome
        /// The cycle's report, or what it threw.
        public var result: Result<CycleReport, any Error>

        public var report: CycleReport? { try? result.get() }
        /// The storage fault the cycle threw, when it did: the database refused the write.
        public var storeFault: StoreError? {
            if case .failure(let error as StoreError) = result { return error }
            return nil
        }
    }

    /// What one sync of a job a webhook asked for did.
    public struct Sync: Sendable {
        public var account: String
        public var jobID: String
        /// What `syncJob` recorded, or what it threw.
        public var result: Result<PollCycle.JobSync, any Error>

        /// The transitions it recorded: their deliveries wait to run.
        public var transitions: [Transition] { (try? result.get())?.transitions ?? [] }
    }

    /// The account this poller polls: each has its own timer, so a slow or failing one
    /// never delays another's cycles (SPEC section 8).
    let account: String
    let live: LiveConfiguration
    let health: HealthMonitor?
    let logger: Logger
    let onCycle: @Sendable (Tick) async -> Void
    let onSync: @Sendable (Sync) async -> Void
    /// The jobs webhooks asked to sync now; also rung by the timer.
    public let syncs: JobSyncQueue
    /// Asked before each cycle: false stops the poller instead (a shared store's leader
    /// renews its lease here, and stops once it lost it).
    public var beforeCycle: (@Sendable () async -> Bool)?
    private let timer: CycleTimer
    private let schedule: Locked<Schedule>
    /// The timer ticked since the last cycle started.
    private let tickDue = Locked(false)

    struct Schedule {
        var interval: Int
        var activeJobs: Int?
        /// When the timer ticks next, on the clock of the timer and of systemd's watchdog.
        var nextTick: SuspendingClock.Instant = .now
    }

    /// The first cycle starts as soon as `run()` does.
    public init(
        account: String = DefaultAccount.name, live: LiveConfiguration, health: HealthMonitor? = nil,
        logger: Logger, syncs: JobSyncQueue = JobSyncQueue(),
        onCycle: @escaping @Sendable (Tick) async -> Void = { _ in },
        onSync: @escaping @Sendable (Sync) async -> Void = { _ in }
    ) {
        self.account = account
        self.live = live
        self.health = health
        self.logger = logger
        self.syncs = syncs
        self.onSync = onSync
        self.onCycle = onCycle
        let interval = live.current.configuration.poll.interval
        self.timer = CycleTimer(interval: .seconds(interval))
        self.schedule = Locked(Schedule(interval: interval))
    }

    /// Names the account in a log line once there are several.
    private var metadata: Logger.Metadata {
        live.current.cycles.count > 1 ? ["account": "\(account)"] : [:]
    }

    /// `interval` while any job is active, `idle_interval` otherwise.
    public static func interval(activeJobs: Int, settings: PollSettings) -> Int {
        activeJobs > 0 ? settings.interval : settings.idleInterval
    }

    /// After a reload: applies changed intervals now rather than after the next tick.
    public func settingsChanged() {
        let next = reschedule(activeJobs: nil)
        guard next.moved else { return }
        health?.rescheduled(nextIn: next.seconds, account: account)
        logger.info("poll interval now \(next.interval) s", metadata: metadata)
    }

    /// Asks for `jobID` to be synced between cycles, as soon as the poller is free (a
    /// webhook). Never waits.
    @discardableResult
    public func requestSync(_ jobID: String) -> JobSyncQueue.Admission { syncs.request(jobID) }

    public func run() async throws {
        defer {
            timer.cancel()
            syncs.finish()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The timer's ticks become a flag and a ring of the one doorbell, so that a
            // cycle and a sync never run at once, and missed ticks still fold into one.
            group.addTask { [timer, tickDue, syncs] in
                for await _ in timer.ticks {
                    tickDue.withLock { $0 = true }
                    syncs.wake()
                }
            }
            try await serve()
            group.cancelAll()
        }
        logger.info("poller stopped", metadata: metadata)
    }

    /// Answers the doorbell until a graceful shutdown: first the jobs webhooks asked for,
    /// then a cycle if the timer ticked, again until neither is waiting. Each pass takes
    /// the jobs waiting at its start, so a flood of webhooks never holds back a cycle.
    private func serve() async throws {
        for await _ in syncs.wakeups.cancelOnGracefulShutdown() {
            while true {
                let waiting = syncs.take()
                if waiting.dropped > 0 {
                    logger.warning(
                        "\(waiting.dropped) webhook sync request(s) turned away, \(syncs.capacity) jobs already waiting: the next cycle syncs them",
                        metadata: metadata)
                }
                for jobID in waiting.ids {
                    guard try await sync(jobID) else { return }
                }
                let due = tickDue.withLock { due in
                    defer { due = false }
                    return due
                }
                if due {
                    guard try await cycle() else { return }
                }
                if waiting.ids.isEmpty, !due { break }
            }
        }
    }

    /// One cycle and its report. False when the poller is to stop.
    private func cycle() async throws -> Bool {
        guard let cycle = live.current.cycle(of: account) else { return false }
        if let beforeCycle, await !beforeCycle() { return false }
        schedule.withLock { $0.nextTick = .now + .seconds($0.interval) }
        health?.cycleStarted(account: account)
        let result: Result<CycleReport, any Error>
        do {
            result = .success(try await cancelWhenGracefulShutdown { try await cycle.run() })
        } catch is CancellationError {
            return false
        } catch let fault as StoreError where fault.isStorageFault {
            // A damaged or replaced database stops the daemon (the caller exits non-zero
            // with the message); a full, read-only or locked one is waited out.
            guard fault.isTransient else { throw fault }
            logger.error(
                "\(fault); nothing of this cycle was recorded, retrying next cycle", metadata: metadata)
            result = .failure(fault)
        } catch {
            logger.error("poll cycle failed: \(error)", metadata: metadata)
            result = .failure(error)
        }
        let report = try? result.get()
        let nextIn = reschedule(activeJobs: report?.activeJobs).seconds
        health?.cycleFinished(nextIn: nextIn, account: account)
        let finishedAt = PollCycle.unixNow()
        let next = finishedAt + Int64(nextIn.rounded())
        let outcome =
            switch result {
            case .success(let report):
                CycleOutcome(report: report, finishedAt: finishedAt, nextCycleAt: next)
            case .failure(let error):
                CycleOutcome(thrown: error, finishedAt: finishedAt, nextCycleAt: next)
            }
        await onCycle(Tick(account: account, outcome: outcome, result: result))
        return true
    }

    /// One job a webhook asked for, synced as a command syncs it (`syncJob`): its
    /// transitions and deliveries recorded, the baseline left to the cycles. The watchdog
    /// watches it as it watches a cycle; the schedule does not move. False when the poller
    /// is to stop.
    private func sync(_ jobID: String) async throws -> Bool {
        guard let cycle = live.current.cycle(of: account) else { return false }
        health?.cycleStarted(account: account)
        let result: Result<PollCycle.JobSync, any Error>
        do {
            result = .success(try await cancelWhenGracefulShutdown { try await cycle.syncJob(id: jobID) })
        } catch is CancellationError {
            return false
        } catch let fault as StoreError where fault.isStorageFault {
            guard fault.isTransient else { throw fault }
            logger.error(
                "\(fault); the webhook's sync of \(jobID) was not recorded, the next cycle syncs it",
                metadata: metadata)
            result = .failure(fault)
        } catch {
            logger.warning(
                "the webhook's sync of \(jobID) failed: \(error); the next cycle syncs it", metadata: metadata
            )
            result = .failure(error)
        }
        let nextIn = schedule.withLock { max(0, SuspendingClock.now.duration(to: $0.nextTick).inSeconds) }
        health?.cycleFinished(nextIn: nextIn, account: account)
        if let synced = try? result.get() {
            logger.debug(
                "webhook sync of \(jobID): \(synced.job.status), \(synced.transitions.count) transition(s)",
                metadata: metadata)
        }
        await onSync(Sync(account: account, jobID: jobID, result: result))
        return true
    }

    /// Picks the interval for the jobs now active (`nil`: as last seen), with the settings
    /// current now, which a reload may have changed; moves the timer when the interval
    /// changed. Returns the seconds until the next tick.
    private func reschedule(activeJobs: Int?) -> (seconds: Double, interval: Int, moved: Bool) {
        let settings = live.current.configuration.poll
        return schedule.withLock { schedule in
            if let activeJobs { schedule.activeJobs = activeJobs }
            let next = Self.interval(activeJobs: schedule.activeJobs ?? 1, settings: settings)
            let moved = next != schedule.interval
            if moved {
                logger.debug(
                    "poll interval now \(next) s", metadata: ["jobs.active": "\(schedule.activeJobs ?? 0)"])
                timer.reschedule(every: .seconds(next))
                schedule.interval = next
                schedule.nextTick = .now + .seconds(next)
            }
            return (max(0, SuspendingClock.now.duration(to: schedule.nextTick).inSeconds), next, moved)
        }
    }
}
