import FTDModel

/// Checks one file record by record (`JSONLRecordSplitter` makes the records) and keeps
/// only counts and the first problems, so a file of any size is checked in little memory.
struct TrainingFileChecker {
    let file: String
    /// The API's minimum for a training file; `nil` for a validation file, which has none.
    let minimumExamples: Int?
    let problemLimit: Int
    private var examples = 0
    private var kept: [TrainingFileProblem] = []
    private var count = 0
    private var tokens: TokenStatistics

    init(file: String, contextLength: Int, minimumExamples: Int?, problemLimit: Int) {
        self.file = file
        self.minimumExamples = minimumExamples
        self.problemLimit = problemLimit
        tokens = TokenStatistics(contextLength: contextLength)
    }

    mutating func add(_ record: JSONLRecord) {
        switch record {
        case .object(let example, let line):
            check(example, line: line)
        case .notObject(let kind, let line):
            report(
                "\(kind), not an object: each line is one example, \(TrainingExampleRules.shape)", line: line)
        case .invalid(let message, let line):
            report(message, line: line)
        case .spread(let value, let error, let lines):
            let span = "\(lines.lowerBound)–\(lines.upperBound)"
            switch value {
            case .object(let fields)?:
                report(
                    "a record spread over lines \(span): each example must be one JSON object on a single line",
                    line: lines.lowerBound)
                check(.object(fields), line: lines.lowerBound)
            case .array?:
                report(
                    "a JSON array spread over lines \(span): a training file is JSON Lines, one example object on each line, not one array",
                    line: lines.lowerBound)
            case let other?:
                report(
                    "\(other.kindName) spread over lines \(span), not an example",
                    line: lines.lowerBound)
            case nil:
                report(
                    "a record spread over lines \(span): each example must be one JSON object on a single line (it is not valid JSON either: \(error ?? "?"))",
                    line: lines.lowerBound)
            }
        case .blank(let lines):
            let what = lines.count == 1 ? "blank line" : "blank lines \(lines.lowerBound)–\(lines.upperBound)"
            report(
                "\(what): remove \(lines.count == 1 ? "it" : "them") (every line must be an example; only a newline at the end of the file is allowed)",
                line: lines.lowerBound)
        }
    }

    private mutating func check(_ example: JSONValue, line: Int) {
        examples += 1
        for problem in TrainingExampleRules.problems(in: example) { report(problem, line: line) }
        tokens.add(tokens: TokenEstimate.tokens(inExample: example), line: line)
    }

    private mutating func report(_ message: String, line: Int) {
        count += 1
        if kept.count < problemLimit {
            kept.append(TrainingFileProblem(file: file, line: line, message: message))
        }
    }

    func summary() -> TrainingFileSummary {
        var problems = kept
        var total = count
        if let minimum = minimumExamples, examples < minimum {
            let counted = examples == 0 ? "no examples" : examples == 1 ? "1 example" : "\(examples) examples"
            problems.append(
                TrainingFileProblem(
                    file: file, line: nil,
                    message: "\(counted): the API needs at least \(minimum) (add \(minimum - examples) more)")
            )
            total += 1
        } else if minimumExamples == nil, examples == 0 {
            problems.append(TrainingFileProblem(file: file, line: nil, message: "no examples"))
            total += 1
        }
        return TrainingFileSummary(
            file: file, examples: examples, problems: problems, problemCount: total, tokens: tokens)
    }
}
