/// The estimated tokens of a file's examples, gathered one example at a time so that no
/// example needs to be kept: the figures a user wants before paying for a job.
public struct TokenStatistics: Sendable, Equatable {
    /// Tokens of one example that the model trains on (and that are billed); the rest of a
    /// longer example is truncated.
    public let contextLength: Int
    public private(set) var examples = 0
    public private(set) var minimum: Int?
    public private(set) var maximum: Int?
    public private(set) var total = 0
    /// Examples whose estimate is over `contextLength`.
    public private(set) var overContext = 0
    /// The lines of the first of them (`overContextLinesKept` at most).
    public private(set) var overContextLines: [Int] = []
    /// Σ min(tokens, contextLength): the tokens one epoch is billed for.
    public private(set) var billedPerEpoch = 0

    static let overContextLinesKept = 10

    public init(contextLength: Int) {
        self.contextLength = contextLength
    }

    /// The mean, rounded to a whole token; `nil` without examples.
    public var mean: Int? {
        examples == 0 ? nil : Int((Double(total) / Double(examples)).rounded())
    }

    public mutating func add(tokens: Int, line: Int) {
        examples += 1
        minimum = Swift.min(minimum ?? tokens, tokens)
        maximum = Swift.max(maximum ?? tokens, tokens)
        total += tokens
        billedPerEpoch += Swift.min(tokens, contextLength)
        if tokens > contextLength {
            overContext += 1
            if overContextLines.count < Self.overContextLinesKept { overContextLines.append(line) }
        }
    }
}
