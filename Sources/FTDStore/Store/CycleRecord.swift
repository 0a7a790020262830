import FTDConfig
import FTDModel

/// Everything one poll cycle learned, written by `AppDatabase.record(cycle:rule:)` in one
/// transaction. Transitions are not part of it: the store derives them inside that
/// transaction by judging each job against its stored row (`TransitionRule`), so two
/// writers can never record the same change twice.
public struct CycleRecord: Sendable {
    /// The account every job, event, step and checkpoint of the record belongs to: a
    /// cycle looks at one account.
    public var account: String = DefaultAccount.name
    /// When the cycle observed what it carries: orders it against other writers' records.
    public var observed: ObservedInstant
    /// Unix seconds when the cycle observed what it carries.
    public var observedAt: Int64 { observed.unixSeconds }
    /// Every job the cycle saw (listed or retrieved), with its raw JSON.
    public var jobs: [FineTuningJob]
    /// New events per job id, newest first as the API sent them. A job's batch is only
    /// present when its paging reached an already-stored event or the end, so a gap can
    /// never be left behind. Events already stored are ignored.
    public var events: [String: [JobEvent]]
    /// Loss steps parsed from this cycle's events. One row per (job, step).
    public var steps: [LossStep]
    /// Checkpoints read this cycle. Already-stored ones are ignored.
    public var checkpoints: [Checkpoint]
    /// Terminal jobs whose final events and checkpoints are now all stored: no later
    /// cycle requests anything for them.
    public var finalSyncCompleted: Set<String>
    /// Jobs whose events are read only down to this id so far (`PollStore.eventResumeCursor`).
    public var eventResumeCursors: [String: String] = [:]
    /// Jobs whose events have now been read to the end: their cursor goes.
    public var eventResumeCleared: Set<String> = []
    /// The configured hooks: each non-baseline transition becomes one pending delivery
    /// per hook that fires on its new status, in the same transaction.
    public var hooks: [HookSettings] = []
    /// False for what one command saw of one job (`submit`, `watch`, `cancel`): the
    /// baseline is the daemon's first whole look at the account, so such a record never
    /// completes it, and until it exists its transitions fire no hook either.
    public var completesBaseline = true
    /// The thresholds to judge alerts by once the cycle is written (SPEC section 10); nil
    /// judges none (what a workflow command records of one job).
    public var alerts: AlertThresholds?

    public init(
        observed: ObservedInstant, jobs: [FineTuningJob] = [], events: [String: [JobEvent]] = [:],
        steps: [LossStep] = [], checkpoints: [Checkpoint] = [], finalSyncCompleted: Set<String> = []
    ) {
        self.observed = observed
        self.jobs = jobs
        self.events = events
        self.steps = steps
        self.checkpoints = checkpoints
        self.finalSyncCompleted = finalSyncCompleted
    }
}

extension CycleRecord {
    /// Observed at the start of that second (`ObservedInstant(unixSeconds:)`).
    public init(
        observedAt: Int64, jobs: [FineTuningJob] = [], events: [String: [JobEvent]] = [:],
        steps: [LossStep] = [], checkpoints: [Checkpoint] = [], finalSyncCompleted: Set<String> = []
    ) {
        self.init(
            observed: ObservedInstant(unixSeconds: observedAt), jobs: jobs, events: events, steps: steps,
            checkpoints: checkpoints, finalSyncCompleted: finalSyncCompleted)
    }
}

/// What a cycle's transaction recorded: the status changes, and the alerts judged from
/// the database right after, in the same transaction, each with its deliveries.
public struct RecordedCycle: Sendable, Equatable {
    public var transitions: [Transition]
    public var alerts: [JobAlert]

    public init(transitions: [Transition] = [], alerts: [JobAlert] = []) {
        self.transitions = transitions
        self.alerts = alerts
    }
}

/// What the store knows of a job, enough to plan a cycle's requests.
public struct KnownJob: Sendable, Equatable {
    public var id: String
    public var status: String
    /// True once a terminal job's final events and checkpoints are stored.
    public var finalSyncDone: Bool

    public init(id: String, status: String, finalSyncDone: Bool) {
        self.id = id
        self.status = status
        self.finalSyncDone = finalSyncDone
    }

    /// Whether a cycle still has work to do for this job.
    public var needsSync: Bool { !JobStatus.isTerminal(status) || !finalSyncDone }
}
