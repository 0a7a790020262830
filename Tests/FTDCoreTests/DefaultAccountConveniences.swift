import FTDModel
import FTDStore

// The store's single-account calls, as the tests written before several accounts
// (SPEC section 8) make them: every one is about the `default` account, which is what a
// configuration without `[[accounts]]` polls. Kept in the tests only, so that the
// product's own code must always say which account it means.

private let account = DefaultAccount.name

private func key(_ id: String) -> JobKey { JobKey(account: account, id: id) }

extension AppDatabase {
    func baselineCompleted() throws -> Bool { try baselineCompleted(account: account) }
    func knownJobs(ids: [String]) throws -> [String: KnownJob] { try knownJobs(account: account, ids: ids) }
    func jobsNeedingSync() throws -> [KnownJob] { try jobsNeedingSync(account: account) }
    func storedEventIDs(jobID: String, among eventIDs: [String]) throws -> Set<String> {
        try storedEventIDs(job: key(jobID), among: eventIDs)
    }
    func eventResumeCursor(jobID: String) throws -> String? { try eventResumeCursor(job: key(jobID)) }
    func jobDetail(
        id: String, latestEvents: Int? = nil, skippingMetricsEvents: Bool = false, steps: StepReading = .all
    ) throws -> JobDetail {
        try jobDetail(
            job: key(id), latestEvents: latestEvents, skippingMetricsEvents: skippingMetricsEvents,
            steps: steps)
    }
    func steps(jobID: String) throws -> [LossStep] { try steps(job: key(jobID)) }
    func storedJob(id: String) throws -> FineTuningJob { try storedJob(key(id)) }
    func recordCycleOutcome(_ outcome: CycleOutcome) throws {
        try recordCycleOutcome(outcome, account: account)
    }
}

extension PollStore {
    func baselineCompleted() async throws -> Bool { try await baselineCompleted(account: account) }
    func knownJobs(ids: [String]) async throws -> [String: KnownJob] {
        try await knownJobs(account: account, ids: ids)
    }
    func jobsNeedingSync() async throws -> [KnownJob] { try await jobsNeedingSync(account: account) }
    func storedEventIDs(jobID: String, among eventIDs: [String]) async throws -> Set<String> {
        try await storedEventIDs(job: key(jobID), among: eventIDs)
    }
    func eventResumeCursor(jobID: String) async throws -> String? {
        try await eventResumeCursor(job: key(jobID))
    }
}

extension DaemonStatusStore {
    func recordCycleOutcome(_ outcome: CycleOutcome) async throws {
        try await recordCycleOutcome(outcome, account: account)
    }
}

extension HistoryStore {
    func jobDetail(id: String, latestEvents: Int?) async throws -> JobDetail {
        try await jobDetail(job: key(id), latestEvents: latestEvents)
    }
    func jobDetail(id: String, latestEvents: Int?, skippingMetricsEvents: Bool, steps: StepReading)
        async throws -> JobDetail
    {
        try await jobDetail(
            job: key(id), latestEvents: latestEvents, skippingMetricsEvents: skippingMetricsEvents,
            steps: steps)
    }
    func steps(jobID: String) async throws -> [LossStep] { try await steps(job: key(jobID)) }
    func resolveJobID(_ input: String) async throws -> String { try await resolveJob(input, account: nil).id }
    func storedJob(id: String) async throws -> FineTuningJob { try await storedJob(key(id)) }
}

extension EventPageQuery {
    init(
        jobID: String, before: EventCursor? = nil, after: EventCursor? = nil, level: String? = nil,
        search: String? = nil, limit: Int = 200
    ) {
        self.init(job: key(jobID), before: before, after: after, level: level, search: search, limit: limit)
    }
}

extension MetricsSnapshot {
    /// The `default` account's jobs by status.
    var defaultJobsByStatus: [String: Int] { jobsByStatus[account] ?? [:] }
}

extension StoredDaemonStatus {
    /// One `default` account with this state.
    init(
        lastCycle: CycleOutcome?, lastError: CycleOutcome?, activeJobs: Int, pendingDeliveries: Int, jobs: Int
    ) {
        self.init(
            accounts: [
                AccountStatus(
                    name: DefaultAccount.name, lastCycle: lastCycle, lastError: lastError, jobs: jobs,
                    activeJobs: activeJobs)
            ], pendingDeliveries: pendingDeliveries)
    }
}
