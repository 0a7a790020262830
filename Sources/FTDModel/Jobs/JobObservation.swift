/// One look at a job, beside what the store already holds of it: the input of the rule
/// that decides whether the look is news and whether it is a status change
/// (`TransitionDetector.judge` in FTDEngine). The store applies that rule inside the
/// cycle's transaction, so two writers can never record the same change twice.
public struct JobObservation: Sendable, Equatable {
    /// What the store held of the job when the transaction read it.
    public struct Stored: Sendable, Equatable {
        public var status: String
        public var observed: ObservedInstant

        public init(status: String, observed: ObservedInstant) {
            self.status = status
            self.observed = observed
        }
    }

    public var jobID: String
    /// The status the API sent, exactly as sent.
    public var status: String
    public var observed: ObservedInstant
    /// Nil when the job was never stored.
    public var stored: Stored?
    /// Whether this is the baseline cycle (its transitions fire no hook).
    public var isBaseline: Bool

    public init(jobID: String, status: String, observed: ObservedInstant, stored: Stored?, isBaseline: Bool) {
        self.jobID = jobID
        self.status = status
        self.observed = observed
        self.stored = stored
        self.isBaseline = isBaseline
    }
}

/// What the store does with one `JobObservation`.
public enum ObservationVerdict: Sendable, Equatable {
    /// Older than what is stored (or a terminal job seen active again): the stored row stays.
    case stale
    /// Newer: the row is written; with a transition when the status changed.
    case newer(Transition?)
}

/// The rule a store applies to each observed job (`TransitionDetector.judge`).
public typealias TransitionRule = @Sendable (JobObservation) -> ObservationVerdict
