import Dispatch
import FTDModel

/// The SQLite backend of `JobStore`: an `AppDatabase` whose calls run on a queue of their
/// own. SQLite's calls block (a write can wait out the 5 s busy timeout on a locked
/// file), and a blocked thread of Swift's cooperative pool stalls every task scheduled
/// on it; here the caller's task is suspended instead.
public struct SQLiteStore: JobStore {
    /// The synchronous database, for a command that has nothing else to do meanwhile
    /// (`ftd history`) and for tests.
    public let database: AppDatabase

    /// Concurrent: GRDB serializes the writes itself and lets reads run beside them.
    private static let queue = DispatchQueue(label: "ftd.store", qos: .utility, attributes: .concurrent)

    public init(_ database: AppDatabase) { self.database = database }

    /// Runs `work` off the cooperative pool and resumes the caller with its result.
    func run<T: Sendable>(_ work: @escaping @Sendable (AppDatabase) throws -> T) async throws -> T {
        let database = self.database
        return try await withCheckedThrowingContinuation { continuation in
            Self.queue.async { continuation.resume(with: Result { try work(database) }) }
        }
    }
}

extension SQLiteStore: PollStore {
    public func baselineCompleted(account: String) async throws -> Bool {
        try await run { try $0.baselineCompleted(account: account) }
    }

    public func knownJobs(account: String, ids: [String]) async throws -> [String: KnownJob] {
        try await run { try $0.knownJobs(account: account, ids: ids) }
    }

    public func jobsNeedingSync(account: String) async throws -> [KnownJob] {
        try await run { try $0.jobsNeedingSync(account: account) }
    }

    public func hasStoredEvents(job: JobKey) async throws -> Bool {
        try await run { try $0.hasStoredEvents(job: job) }
    }

    public func storedEventIDs(job: JobKey, among eventIDs: [String]) async throws -> Set<String> {
        try await run { try $0.storedEventIDs(job: job, among: eventIDs) }
    }

    public func eventResumeCursor(job: JobKey) async throws -> String? {
        try await run { try $0.eventResumeCursor(job: job) }
    }

    public func recordCycle(_ cycle: CycleRecord, rule: @escaping TransitionRule) async throws
        -> RecordedCycle
    {
        try await run { try $0.recordCycle(cycle, rule: rule) }
    }
}

extension SQLiteStore: DeliveryOutbox {
    public func pendingDeliveries() async throws -> [HookDelivery] {
        try await run { try $0.pendingDeliveries() }
    }

    public func beginAttempt(deliveryID: String, startedAt: Int64) async throws -> (
        runID: Int64, attempt: Int
    ) {
        try await run { try $0.beginAttempt(deliveryID: deliveryID, startedAt: startedAt) }
    }

    public func finishAttempt(runID: Int64, result: HookRunResult, cutByStop: Bool) async throws {
        try await run { try $0.finishAttempt(runID: runID, result: result, cutByStop: cutByStop) }
    }

    public func completeDelivery(id: String, succeeded: Bool, at time: Int64, note: String?) async throws {
        try await run { try $0.completeDelivery(id: id, succeeded: succeeded, at: time, note: note) }
    }
}

extension SQLiteStore: DaemonStatusStore {
    public func recordCycleOutcome(_ outcome: CycleOutcome, account: String) async throws {
        try await run { try $0.recordCycleOutcome(outcome, account: account) }
    }

    public func daemonStatus() async throws -> StoredDaemonStatus { try await run { try $0.daemonStatus() } }

    public func pendingDeliveryCount() async throws -> Int { try await run { try $0.pendingDeliveryCount() } }

    public func metricsSnapshot() async throws -> MetricsSnapshot {
        try await run { try $0.metricsSnapshot() }
    }

    public func markInterruptedAttempts() async throws -> Int {
        try await run { try $0.markInterruptedAttempts() }
    }
}

extension SQLiteStore: HistoryStore {
    public func alerts(job: JobKey) async throws -> [JobAlert] {
        try await run { try $0.alerts(job: job) }
    }

    public func recentAlerts(limit: Int) async throws -> [JobAlert] {
        try await run { try $0.recentAlerts(limit: limit) }
    }

    public func jobSummaries(status: String?, account: String?, limit: Int?) async throws -> [JobSummary] {
        try await run { try $0.jobSummaries(status: status, account: account, limit: limit) }
    }

    public func reduceJobSummaries<Result: Sendable>(
        status: String?, account: String?, limit: Int?, into initial: Result,
        _ update: @escaping @Sendable (inout Result, JobSummary) throws -> Void
    ) async throws -> Result {
        try await run { database in
            var result = initial
            try database.forEachJobSummary(status: status, account: account, limit: limit) {
                try update(&result, $0)
            }
            return result
        }
    }

    public func jobDetail(job: JobKey, latestEvents: Int?, skippingMetricsEvents: Bool, steps: StepReading)
        async throws -> JobDetail
    {
        try await run {
            try $0.jobDetail(
                job: job, latestEvents: latestEvents, skippingMetricsEvents: skippingMetricsEvents,
                steps: steps)
        }
    }

    public func steps(job: JobKey) async throws -> [LossStep] {
        try await run { try $0.steps(job: job) }
    }

    public func hookRuns(failedOnly: Bool, limit: Int) async throws -> [DeliveryView] {
        try await run { try $0.hookRuns(failedOnly: failedOnly, limit: limit) }
    }

    public func jobAccounts() async throws -> [String] {
        try await run { try $0.jobAccounts() }
    }

    public func resolveJob(_ input: String, account: String?) async throws -> JobKey {
        try await run { try $0.resolveJob(input, account: account) }
    }

    public func storedAccountNames() async throws -> [String] {
        try await run { try $0.storedAccountNames() }
    }

    public func storedJob(_ job: JobKey) async throws -> FineTuningJob {
        try await run { try $0.storedJob(job) }
    }

    public func jobOverview(_ query: OverviewQuery) async throws -> OverviewPage {
        try await run { try $0.jobOverview(query) }
    }

    public func eventPage(_ query: EventPageQuery) async throws -> EventPage {
        try await run { try $0.eventPage(query) }
    }
}

extension SQLiteStore: CostStore {
    public func recordEstimate(_ estimate: TrainingEstimate) async throws {
        try await run { try $0.recordEstimate(estimate) }
    }

    public func estimate(job: JobKey) async throws -> TrainingEstimate? {
        try await run { try $0.estimate(job: job) }
    }

    public func finishedJobGroups(_ query: FinishedJobsQuery) async throws -> [FinishedJobGroup] {
        try await run { try $0.finishedJobGroups(query) }
    }
}
