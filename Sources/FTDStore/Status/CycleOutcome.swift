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

/// What `ftd status` reads from the database: each account's state, and the outbox.
public struct StoredDaemonStatus: Sendable, Equatable {
    /// By name; an account appears once it has a cycle recorded or a job stored.
    public var accounts: [AccountStatus]
    public var pendingDeliveries: Int

    public init(accounts: [AccountStatus], pendingDeliveries: Int) {
        self.accounts = accounts
        self.pendingDeliveries = pendingDeliveries
    }

    /// The cycle that ended last, of any account.
    public var lastCycle: CycleOutcome? {
        accounts.compactMap(\.lastCycle).max { $0.finishedAt < $1.finishedAt }
    }

    /// The most recent cycle that went wrong, of any account.
    public var lastError: CycleOutcome? {
        accounts.compactMap(\.lastError).max { $0.finishedAt < $1.finishedAt }
    }

    public var activeJobs: Int { accounts.reduce(0) { $0 + $1.activeJobs } }
    public var jobs: Int { accounts.reduce(0) { $0 + $1.jobs } }

    public func account(named name: String) -> AccountStatus? { accounts.first { $0.name == name } }
}

/// One account's stored state (SPEC section 8): its last cycle and last error, apart
/// from every other account's.
public struct AccountStatus: Sendable, Equatable {
    public var name: String
    public var lastCycle: CycleOutcome?
    /// The most recent cycle of this account that went wrong, which may be older than `lastCycle`.
    public var lastError: CycleOutcome?
    /// Unix seconds when its last complete cycle ended.
    public var lastCompleteCycleAt: Int64?
    /// Unix seconds when its baseline was recorded; nil until it was.
    public var baselineCompletedAt: Int64?
    public var jobs: Int
    public var activeJobs: Int

    public init(
        name: String, lastCycle: CycleOutcome?, lastError: CycleOutcome?, lastCompleteCycleAt: Int64? = nil,
        baselineCompletedAt: Int64? = nil, jobs: Int = 0, activeJobs: Int = 0
    ) {
        self.name = name
        self.lastCycle = lastCycle
        self.lastError = lastError
        self.lastCompleteCycleAt = lastCompleteCycleAt
        self.baselineCompletedAt = baselineCompletedAt
        self.jobs = jobs
        self.activeJobs = activeJobs
    }
}
