/// What checking one file found: its problems and the figures of its examples.
public struct TrainingFileSummary: Sendable, Equatable {
    /// The path as the user gave it.
    public var file: String
    /// Records that are JSON objects (one-line or spread over lines), valid or not.
    public var examples: Int
    /// The first `problemLimit` problems on lines, then every problem of the whole file.
    public var problems: [TrainingFileProblem]
    /// All problems, also those not kept in `problems`.
    public var problemCount: Int
    public var tokens: TokenStatistics

    public init(
        file: String, examples: Int, problems: [TrainingFileProblem], problemCount: Int,
        tokens: TokenStatistics
    ) {
        self.file = file
        self.examples = examples
        self.problems = problems
        self.problemCount = problemCount
        self.tokens = tokens
    }

    public var isValid: Bool { problemCount == 0 }
    /// Problems counted but not kept.
    public var omittedProblems: Int { problemCount - problems.count }
}
