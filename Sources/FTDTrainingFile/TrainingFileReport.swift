/// Everything `ftd validate` found: the problems the API's validation would refuse, and
/// what a job on these files would cost in tokens (estimated).
public struct TrainingFileReport: Sendable, Equatable {
    public var training: TrainingFileSummary
    public var validation: TrainingFileSummary?
    /// The model whose training context the figures use.
    public var model: ModelContext

    public init(training: TrainingFileSummary, validation: TrainingFileSummary?, model: ModelContext) {
        self.training = training
        self.validation = validation
        self.model = model
    }

    /// Both files valid: safe to upload.
    public var isValid: Bool { training.isValid && (validation?.isValid ?? true) }

    /// The problems kept of both files, the training file's first.
    public var problems: [TrainingFileProblem] { training.problems + (validation?.problems ?? []) }

    /// All problems of both files, also those not kept.
    public var problemCount: Int { training.problemCount + (validation?.problemCount ?? 0) }

    /// "1 problem", "3 problems": what the commands' one-line errors say.
    public var problemCountText: String { problemCount == 1 ? "1 problem" : "\(problemCount) problems" }

    /// Epochs of a job that leaves `n_epochs` to the API (`DefaultEpochs`).
    public var epochs: Int { DefaultEpochs.forExamples(training.examples) }

    /// Estimated trained (billed) tokens at `epochs`: the training file's examples, each up
    /// to the model's training context, once per epoch. Validation examples are not billed.
    public var billedTokens: Int { billedTokens(epochs: nil) }

    /// Estimated trained (billed) tokens at `epochs`, or at `epochs` chosen by the API
    /// when nil: what `ftd submit` stores as the job's estimate (SPEC section 10).
    public func billedTokens(epochs: Int?) -> Int {
        let (tokens, overflow) = training.tokens.billedPerEpoch.multipliedReportingOverflow(
            by: epochs ?? self.epochs)
        return overflow ? .max : tokens
    }

    /// How billed tokens are estimated, for reports.
    public static let billingMethod =
        "the sum over training examples of min(estimated tokens, the model's training context), times the epochs"
}
