/// What the judge of alerts knows of one job: its stored facts, read by the store after a
/// cycle. Times are unix seconds.
public struct AlertFacts: Sendable, Equatable {
    /// The job's current status.
    public var status: String
    /// When the job began waiting to start: its `created_at`, or the baseline for a job
    /// already waiting then. nil when unknown.
    public var waitingSince: Int64?
    /// What silence counts from: its newest event's `created_at` (or the baseline for a
    /// job already running then, when that is later). nil when unknown.
    public var silentSince: Int64?
    /// Its loss steps, ascending by step. nil when the store did not read them (no new
    /// step this cycle): the loss kinds are then not judged.
    public var steps: [AlertStep]?
    /// Where an earlier judging stopped (`AlertJudgement.scans`): `steps` then need hold
    /// only the steps above its `lastStep`. nil: `steps` is the whole curve.
    public var scans: LossScans?
    /// A job already active at the baseline is judged only on what happened after it: a
    /// loss finding needs a step above this one. nil: every step counts.
    public var judgedFromStep: Int?
    /// Its checkpoints, to name the one nearest the best validation loss.
    public var checkpoints: [CheckpointMark]
    /// Kinds already fired for this job: each fires at most once.
    public var fired: Set<AlertKind>

    public init(
        status: String, waitingSince: Int64? = nil, silentSince: Int64? = nil, steps: [AlertStep]? = nil,
        judgedFromStep: Int? = nil, checkpoints: [CheckpointMark] = [], fired: Set<AlertKind> = []
    ) {
        self.status = status
        self.waitingSince = waitingSince
        self.silentSince = silentSince
        self.steps = steps
        self.judgedFromStep = judgedFromStep
        self.checkpoints = checkpoints
        self.fired = fired
    }
}

/// One loss step as the judge reads it. A loss may be NaN or infinite (the API's `nan`).
public struct AlertStep: Sendable, Equatable {
    public var step: Int
    public var trainLoss: Double?
    public var validLoss: Double?

    public init(step: Int, trainLoss: Double?, validLoss: Double? = nil) {
        self.step = step
        self.trainLoss = trainLoss
        self.validLoss = validLoss
    }

    // NaN != NaN: steps compare by bit pattern, so a NaN step equals itself.
    public static func == (lhs: AlertStep, rhs: AlertStep) -> Bool {
        lhs.step == rhs.step && lhs.trainLoss?.bitPattern == rhs.trainLoss?.bitPattern
            && lhs.validLoss?.bitPattern == rhs.validLoss?.bitPattern
    }
}

/// A checkpoint as the `overfitting` detail names it.
public struct CheckpointMark: Sendable, Equatable {
    public var step: Int
    /// Its `fine_tuned_model_checkpoint` (what a user deploys), else its id.
    public var name: String

    public init(step: Int, name: String) {
        self.step = step
        self.name = name
    }
}

/// What the judge found: an alert to fire, with its one line for people.
public struct AlertFinding: Sendable, Equatable {
    public var kind: AlertKind
    public var detail: String

    public init(kind: AlertKind, detail: String) {
        self.kind = kind
        self.detail = detail
    }
}

/// What one judging found, and where the loss rules stopped: the next judging of the job
/// goes on from `scans` with the steps that came since.
public struct AlertJudgement: Sendable, Equatable {
    public var findings: [AlertFinding]
    /// nil when no step was judged (`AlertFacts.steps` was nil).
    public var scans: LossScans?
}

/// Judges a job's stored facts against the thresholds at `now` (SPEC section 10): a pure
/// function, so the same facts always give the same findings.
public enum AlertJudge {
    /// The kinds that fire now and have not fired before, in `AlertKind.allCases` order.
    public static func judge(_ facts: AlertFacts, now: Int64, thresholds: AlertThresholds) -> [AlertFinding] {
        judgement(facts, now: now, thresholds: thresholds).findings
    }

    /// The findings, and the loss rules' state to go on from (the rules:
    /// AlertJudge+Rules.swift). Judging a curve in parts, each from the scans the part
    /// before returned, finds what judging it whole finds.
    public static func judgement(_ facts: AlertFacts, now: Int64, thresholds: AlertThresholds)
        -> AlertJudgement
    {
        judgement(of: facts, now: now, thresholds: thresholds)
    }
}
