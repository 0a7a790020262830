import FTDModel

/// What `/metrics` reads from the store at each scrape: the gauges of SPEC section 9 that
/// reflect stored state. Read from the database, not counted in memory, so that a server
/// that only reads it (`ftd serve`) shows them too.
public struct MetricsSnapshot: Sendable, Equatable {
    /// Every stored job, counted by account, then by status.
    public var jobsByStatus: [String: [String: Int]]
    /// The jobs not yet in a terminal status, by account and id.
    public var activeJobs: [ActiveJobProgress]
    /// Deliveries not yet done.
    public var pendingDeliveries: Int
    /// Unix seconds when each account's last complete poll cycle ended; absent before its first.
    public var lastCompleteCycleAt: [String: Int64]

    public init(
        jobsByStatus: [String: [String: Int]] = [:], activeJobs: [ActiveJobProgress] = [],
        pendingDeliveries: Int = 0, lastCompleteCycleAt: [String: Int64] = [:]
    ) {
        self.jobsByStatus = jobsByStatus
        self.activeJobs = activeJobs
        self.pendingDeliveries = pendingDeliveries
        self.lastCompleteCycleAt = lastCompleteCycleAt
    }
}

/// Where an active job's training is: the end of its stored loss curve.
public struct ActiveJobProgress: Sendable, Equatable {
    public var account: String
    public var id: String
    public var status: String
    /// The highest stored step; 0 before the first.
    public var step: Int
    /// What that step said the total is, when it said.
    public var totalSteps: Int?
    /// `train_loss` of that step.
    public var trainLoss: Double?

    public init(
        account: String = DefaultAccount.name, id: String, status: String, step: Int = 0,
        totalSteps: Int? = nil, trainLoss: Double? = nil
    ) {
        self.account = account
        self.id = id
        self.status = status
        self.step = step
        self.totalSteps = totalSteps
        self.trainLoss = trainLoss
    }
}
