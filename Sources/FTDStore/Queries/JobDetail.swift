import FTDModel

/// Everything `ftd history JOB` shows of one job.
public struct JobDetail: Sendable, Equatable {
    public var summary: JobSummary
    /// Oldest first.
    public var transitions: [Transition]
    /// By step, ascending.
    public var steps: [LossStep]
    /// The steps as a chart draws them, read instead of `steps` (which is then empty) by
    /// `ftd history JOB`; nil when the detail has `steps`.
    public var curve: LossCurve?
    /// By step number, ascending.
    public var checkpoints: [Checkpoint]
    /// In the order they happened; only the newest when the detail was read with
    /// `latestEvents`.
    public var events: [JobEvent]
    /// Every stored event of the job, including those not in `events`.
    public var eventCount: Int
    public var hookRuns: [HookRunView]
    /// In the order they fired (SPEC section 10).
    public var alerts: [JobAlert] = []

    public init(
        summary: JobSummary, transitions: [Transition] = [], steps: [LossStep] = [],
        checkpoints: [Checkpoint] = [], events: [JobEvent] = [], hookRuns: [HookRunView] = []
    ) {
        self.summary = summary
        self.transitions = transitions
        self.steps = steps
        self.checkpoints = checkpoints
        self.events = events
        self.eventCount = events.count
        self.hookRuns = hookRuns
    }
}
