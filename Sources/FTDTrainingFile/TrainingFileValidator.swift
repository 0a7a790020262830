/// Checks chat-format fine-tuning files the way the API's own validation would, before
/// they are uploaded, and estimates what the job would train on.
public enum TrainingFileValidator {
    /// The API refuses a training file with fewer examples.
    public static let minimumExamples = 10
    /// Problems kept per file; the others are counted.
    public static let defaultProblemLimit = 50

    /// Reads and checks `path` (and `validationFile`), one line at a time.
    /// - Parameter model: whose training context limits an example; `nil` is
    ///   `FineTuningModels.defaultModel`.
    /// - Throws: `TrainingFileError` when a file cannot be read at all. Problems in a file
    ///   that could be read are in the report, never thrown.
    public static func validate(
        path: String, validationFile: String? = nil, model: String? = nil,
        problemLimit: Int = defaultProblemLimit
    ) throws(TrainingFileError) -> TrainingFileReport {
        let context = FineTuningModels.context(for: model ?? FineTuningModels.defaultModel)
        let training = try check(
            path: path, contextLength: context.contextLength, minimumExamples: minimumExamples,
            problemLimit: problemLimit)
        let validation = try validationFile.map { (file) throws(TrainingFileError) in
            try check(
                path: file, contextLength: context.contextLength, minimumExamples: nil,
                problemLimit: problemLimit)
        }
        return TrainingFileReport(training: training, validation: validation, model: context)
    }

    /// One file, read from disk.
    static func check(
        path: String, contextLength: Int, minimumExamples: Int?, problemLimit: Int
    ) throws(TrainingFileError) -> TrainingFileSummary {
        var reader = try TrainingFileLineReader(path: path)
        var splitter = JSONLRecordSplitter()
        var checker = TrainingFileChecker(
            file: path, contextLength: contextLength, minimumExamples: minimumExamples,
            problemLimit: problemLimit)
        while let line = try reader.nextLine() {
            for record in splitter.feed(line) { checker.add(record) }
        }
        for record in splitter.finish() { checker.add(record) }
        return checker.summary()
    }

    /// One file's text, checked as if read from `file`: the pure core, for tests.
    static func check(
        text: String, file: String = "train.jsonl", contextLength: Int = 65_536,
        minimumExamples: Int? = TrainingFileValidator.minimumExamples,
        problemLimit: Int = TrainingFileValidator.defaultProblemLimit
    ) -> TrainingFileSummary {
        var splitter = JSONLRecordSplitter()
        var checker = TrainingFileChecker(
            file: file, contextLength: contextLength, minimumExamples: minimumExamples,
            problemLimit: problemLimit)
        var lines = Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        if text.isEmpty { lines = [] }
        for line in lines {
            for record in splitter.feed(Array(line)) { checker.add(record) }
        }
        for record in splitter.finish() { checker.add(record) }
        return checker.summary()
    }
}
