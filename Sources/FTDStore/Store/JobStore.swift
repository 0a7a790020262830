import FTDModel

/// What the daemon records about itself, and what `ftd status` reads back.
public protocol DaemonStatusStore: Sendable {
    /// How `account`'s last cycle ended (the last failed one is kept apart).
    func recordCycleOutcome(_ outcome: CycleOutcome, account: String) async throws
    func daemonStatus() async throws -> StoredDaemonStatus
    /// Deliveries not yet done.
    func pendingDeliveryCount() async throws -> Int
    /// The stored state `/metrics` exports at each scrape, in one read.
    func metricsSnapshot() async throws -> MetricsSnapshot
    /// At a start, before any hook runs: attempts left `running` by a process that died
    /// become interrupted ones (their deliveries run again). Returns how many.
    func markInterruptedAttempts() async throws -> Int
}

/// The history as `ftd history`, the workflow commands and the dashboard read it: query
/// models (`JobSummary`, `JobDetail`, `DeliveryView`), never rows.
public protocol HistoryStore: Sendable {
    /// Newest first; `status` and `account` filter, `limit` caps.
    func jobSummaries(status: String?, account: String?, limit: Int?) async throws -> [JobSummary]
    /// `jobSummaries` without the array: each summary, in the same order, is folded into
    /// `initial` by `update` as the store reads it, and only the result is kept.
    /// `ftd history` lists 10,000 jobs into a table, and the array of them was megabytes
    /// to fault in and copy. `update` runs wherever the store reads (the SQLite store's
    /// queue), once per job, and should be quick.
    func reduceJobSummaries<Result: Sendable>(
        status: String?, account: String?, limit: Int?, into initial: Result,
        _ update: @escaping @Sendable (inout Result, JobSummary) throws -> Void
    ) async throws -> Result
    /// Everything stored of one job; `latestEvents` keeps only the newest N events, and
    /// `skippingMetricsEvents` leaves out those of type `metrics` (their numbers are the
    /// steps: a chart's view of a long job). `steps` says how its loss steps are read:
    /// `.none` for a caller that has them already, `.curve` for what a chart draws
    /// (`ftd history JOB`).
    func jobDetail(job: JobKey, latestEvents: Int?, skippingMetricsEvents: Bool, steps: StepReading)
        async throws -> JobDetail
    /// A job's loss steps, ascending.
    func steps(job: JobKey) async throws -> [LossStep]
    /// Hook runs, newest first.
    func hookRuns(failedOnly: Bool, limit: Int) async throws -> [DeliveryView]
    /// The accounts holding at least one job, by name: `ftd history` shows an ACCOUNT
    /// column when there are several.
    func jobAccounts() async throws -> [String]
    /// Every account the store knows of (its jobs' and those with a recorded cycle), by
    /// name: a `--account` neither the configuration nor the store knows is a typo.
    func storedAccountNames() async throws -> [String]
    /// `account/ftjob-…`, a full id or a unique prefix of a stored one, within `account`
    /// when given; a prefix matching jobs of several accounts is ambiguous.
    func resolveJob(_ input: String, account: String?) async throws -> JobKey
    /// The job as last stored, with its raw JSON.
    func storedJob(_ job: JobKey) async throws -> FineTuningJob
    /// A job's alerts, in the order they fired.
    func alerts(job: JobKey) async throws -> [JobAlert]
    /// The newest `limit` alerts of every job, newest first (`ftd status`).
    func recentAlerts(limit: Int) async throws -> [JobAlert]
    /// One page of the dashboard's job list.
    func jobOverview(_ query: OverviewQuery) async throws -> OverviewPage
    /// One page of a job's events, newest first.
    func eventPage(_ query: EventPageQuery) async throws -> EventPage
}

extension HistoryStore {
    public func jobSummaries(status: String?, limit: Int?) async throws -> [JobSummary] {
        try await jobSummaries(status: status, account: nil, limit: limit)
    }

    /// `jobDetail` with every event type, its steps read as `steps` says.
    public func jobDetail(job: JobKey, latestEvents: Int?, steps: StepReading = .all) async throws
        -> JobDetail
    {
        try await jobDetail(job: job, latestEvents: latestEvents, skippingMetricsEvents: false, steps: steps)
    }
}

/// What jobs cost (SPEC section 10): the estimate `ftd submit` stores with a job it
/// creates (read back through `JobSummary.estimatedTrainedTokens`), and the finished
/// jobs `ftd report` prices.
public protocol CostStore: Sendable {
    /// Stores `estimate`, replacing an earlier one of the same job.
    func recordEstimate(_ estimate: TrainingEstimate) async throws
    /// The job's estimate; nil when none is stored.
    func estimate(job: JobKey) async throws -> TrainingEstimate?
    /// The jobs with a `finished_at` in the query's period, grouped by account and model,
    /// in that order (a nil model last).
    func finishedJobGroups(_ query: FinishedJobsQuery) async throws -> [FinishedJobGroup]
}

/// The whole store behind one protocol: what a backend implements. `SQLiteStore` is the
/// one ftd ships; the conformance suite (`StoreConformanceTests`) is written against this
/// protocol, so a second backend is an addition that runs the same suite.
public protocol JobStore: PollStore, DeliveryOutbox, DaemonStatusStore, HistoryStore, CostStore {}
