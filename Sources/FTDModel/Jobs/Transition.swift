/// A status change ftd observed: `from` is nil for a job seen for the first time.
public struct Transition: Sendable, Equatable {
    /// The account the job belongs to (SPEC section 8).
    public var account: String
    public var jobID: String
    public var from: String?
    public var to: String
    /// Unix seconds when the daemon saw the change.
    public var observedAt: Int64
    /// Recorded by the baseline cycle: kept in history, fires no hook.
    public var isBaseline: Bool

    public init(
        account: String = DefaultAccount.name, jobID: String, from: String?, to: String, observedAt: Int64,
        isBaseline: Bool
    ) {
        self.account = account
        self.jobID = jobID
        self.from = from
        self.to = to
        self.observedAt = observedAt
        self.isBaseline = isBaseline
    }
}

extension Transition {
    /// The job it is about.
    public var job: JobKey { JobKey(account: account, id: jobID) }
}
