import FTDModel

/// One delivery as `ftd hooks runs` shows it: which hook, for which transition, and how
/// its attempts went so far.
public struct DeliveryView: Sendable, Equatable {
    public var deliveryID: String
    public var hook: String
    public var account: String
    public var jobID: String
    /// nil for a newly seen job.
    public var from: String?
    public var to: String
    /// Unix seconds when the transition was observed.
    public var observedAt: Int64
    /// `pending`, `succeeded` or `failed`.
    public var status: String
    public var attempts: Int
    /// Of the last finished attempt; nil when it was killed or none has finished.
    public var lastExitCode: Int32?
    /// The last non-empty line of the last attempt's stderr, if any.
    public var lastStderrLine: String?
    public var createdAt: Int64
    public var doneAt: Int64?

    public init(
        deliveryID: String, hook: String, account: String = DefaultAccount.name, jobID: String, from: String?,
        to: String, observedAt: Int64,
        status: String, attempts: Int, lastExitCode: Int32?, lastStderrLine: String?, createdAt: Int64,
        doneAt: Int64?
    ) {
        self.deliveryID = deliveryID
        self.hook = hook
        self.account = account
        self.jobID = jobID
        self.from = from
        self.to = to
        self.observedAt = observedAt
        self.status = status
        self.attempts = attempts
        self.lastExitCode = lastExitCode
        self.lastStderrLine = lastStderrLine
        self.createdAt = createdAt
        self.doneAt = doneAt
    }
}
