import FTDModel

/// How the last poll cycle ended, as `ftd status` and systemd's `STATUS=` show it.
public struct CycleOutcome: Sendable, Equatable, Codable {
    public enum Result: String, Sendable, Codable {
        /// Every request succeeded; everything is recorded.
        case complete
        /// Recorded, but some requests still failed after their retries: the next cycle
        /// fetches what is missing.
        case incomplete
        /// Nothing recorded: the job list failed, the key was rejected, or the database
        /// refused the write.
        case failed
    }

    /// Unix seconds when the cycle ended.
    public var finishedAt: Int64
    public var result: Result
    public var requests: Int
    public var transitions: Int
    /// Requests that failed after their retries.
    public var failedRequests: Int
    /// What went wrong first, when something did.
    public var error: String?
    /// Unix seconds the next cycle is due; nil after `ftd run --once`.
    public var nextCycleAt: Int64?

    public init(
        finishedAt: Int64, result: Result, requests: Int = 0, transitions: Int = 0, failedRequests: Int = 0,
        error: String? = nil, nextCycleAt: Int64? = nil
    ) {
        self.finishedAt = finishedAt
        self.result = result
        self.requests = requests
        self.transitions = transitions
        self.failedRequests = failedRequests
        // Stored in the database and shown by `ftd status`: never with a key in it.
        self.error = error.map(SecretRedactor.redact)
        self.nextCycleAt = nextCycleAt
    }

    /// A cycle that threw (the database refused, most likely).
    public init(thrown error: any Error, finishedAt: Int64, nextCycleAt: Int64?) {
        self.init(finishedAt: finishedAt, result: .failed, error: "\(error)", nextCycleAt: nextCycleAt)
    }
}

/// What `ftd status` reads from the database.
public struct StoredDaemonStatus: Sendable, Equatable {
    public var lastCycle: CycleOutcome?
    /// The most recent cycle that went wrong, which may be older than `lastCycle`.
    public var lastError: CycleOutcome?
    public var activeJobs: Int
    public var pendingDeliveries: Int
    public var jobs: Int

    public init(
        lastCycle: CycleOutcome?, lastError: CycleOutcome?, activeJobs: Int, pendingDeliveries: Int, jobs: Int
    ) {
        self.lastCycle = lastCycle
        self.lastError = lastError
        self.activeJobs = activeJobs
        self.pendingDeliveries = pendingDeliveries
        self.jobs = jobs
    }
}
