/// What a simulated job will do: its parameters, how long each phase takes and how it ends.
/// The timeline of the job is computed from this script and the clock, never stored.
public struct JobScript: Sendable, Equatable {
    public var model: String
    /// An uploaded file id; `nil` makes the simulator invent one (the job does not read it).
    public var trainingFile: String?
    public var validationFile: String?
    public var suffix: String?
    /// Training examples; with `epochs` they fix the number of steps (examples × epochs).
    public var examples: Int
    public var epochs: Int
    public var batchSize: Int
    public var learningRateMultiplier: Double
    /// The job's `seed`; `nil` picks one from the simulator's generator.
    public var seed: Int64?
    public var durations: JobDurations
    public var outcome: JobOutcome
    /// When the job is created relative to "now" when it is added (negative: in the past).
    public var createdOffset: Double
    public var metadata: [String: String]?
    /// Tokens in one pass over the training file; trained_tokens = this × epochs.
    public var tokensPerEpoch: Int
    /// Hyperparameter values as the request gave them (`"auto"` stays visible in `method`).
    var requestedEpochs: String?
    /// How the losses go; `.falling` (a healthy run) unless set.
    public var lossShape: LossShape = .falling
    /// Epochs whose end keeps a checkpoint, counted back from the last: the API keeps the
    /// last three. More put checkpoints earlier in the run (the `overfitting` scenario's
    /// best one is near the middle).
    public var keptCheckpointEpochs: Int = 3

    public init(
        model: String = "gpt-4o-mini-2024-07-18",
        trainingFile: String? = nil,
        validationFile: String? = nil,
        suffix: String? = nil,
        examples: Int = 10,
        epochs: Int = 3,
        batchSize: Int = 1,
        learningRateMultiplier: Double = 2,
        seed: Int64? = nil,
        durations: JobDurations = JobDurations(),
        outcome: JobOutcome = .succeed,
        createdOffset: Double = 0,
        metadata: [String: String]? = nil,
        tokensPerEpoch: Int? = nil
    ) {
        self.model = model
        self.trainingFile = trainingFile
        self.validationFile = validationFile
        self.suffix = suffix
        self.examples = max(0, examples)
        self.epochs = max(1, epochs)
        self.batchSize = max(1, batchSize)
        self.learningRateMultiplier = learningRateMultiplier
        self.seed = seed
        self.durations = durations
        self.outcome = outcome
        self.createdOffset = createdOffset
        self.metadata = metadata
        self.tokensPerEpoch = tokensPerEpoch ?? max(1, examples) * 48
    }

    /// Training steps: one per example per epoch.
    public var totalSteps: Int { examples * epochs }

    /// What the API does for `n_epochs: "auto"`, as OpenAI's data-preparation cookbook
    /// states it: 3 epochs, raised to make at least 100 example passes and lowered to make
    /// at most 25,000, within 1...25 (integer division). `ftd validate` estimates bills with
    /// the same rule (FTDTrainingFile's `DefaultEpochs`, which the simulator does not depend on).
    public static func automaticEpochs(examples: Int) -> Int {
        guard examples > 0 else { return 25 }
        if examples * 3 < 100 { return min(25, 100 / examples) }
        if examples * 3 > 25_000 { return max(1, 25_000 / examples) }
        return 3
    }
}

/// Simulated seconds each phase of a job takes.
public struct JobDurations: Sendable, Equatable {
    public var validating: Double
    public var queued: Double
    public var perStep: Double
    public var finishing: Double

    public init(validating: Double = 20, queued: Double = 30, perStep: Double = 2.5, finishing: Double = 10) {
        self.validating = validating
        self.queued = queued
        self.perStep = perStep
        self.finishing = finishing
    }
}

/// How a simulated job ends.
public enum JobOutcome: Sendable, Equatable {
    case succeed
    /// Fails with `failure`: after `afterStep` training steps, or while validating files when `nil`.
    case fail(JobFailure, afterStep: Int?)
    /// Trains `afterStep` steps, then stays `running` and emits nothing more until cancelled:
    /// a job stuck on the provider's side (the `stalled` alert).
    case stall(afterStep: Int)
}

/// The shape of a job's loss curves (LossCurve).
public enum LossShape: Sendable, Equatable {
    /// A healthy run: the train loss falls from about 1.5 to about 0.05; the validation
    /// loss, every 10 steps when a validation file is given, a little above it.
    case falling
    /// The train loss falls until step `risesAfter`, then rises steadily (by 15% of its
    /// lowest value per step, so that its moving average triples within about 35 steps);
    /// at step `nanAt` it is NaN, shown as the API's older events showed steps: a
    /// `message` event `Step N/T: training loss=nan` without `data`.
    case diverging(risesAfter: Int, nanAt: Int?)
    /// The train loss falls steadily to the end, while the validation loss, on every step
    /// when a validation file is given, falls until 40% of the steps, then rises to 80%
    /// above its lowest value by the last.
    case overfitting
}

/// The `error` object of a failed job.
public struct JobFailure: Sendable, Equatable {
    public var code: String
    public var message: String
    public var param: String?

    public init(code: String, message: String, param: String? = nil) {
        self.code = code
        self.message = message
        self.param = param
    }

    public static func tooFewExamples(_ count: Int) -> JobFailure {
        JobFailure(
            code: "invalid_n_examples",
            message: "Training file has \(count) example(s), but must have at least 10 examples",
            param: "training_file"
        )
    }
}
