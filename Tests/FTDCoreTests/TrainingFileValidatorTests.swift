import Foundation
import Testing

@testable import FTDTrainingFile

@Suite struct TrainingFileValidatorTests {
    static func check(_ text: String, contextLength: Int = 65_536, problemLimit: Int = 50)
        -> TrainingFileSummary
    {
        TrainingFileValidator.check(text: text, contextLength: contextLength, problemLimit: problemLimit)
    }

    static func example(_ n: Int) -> String {
        #"{"messages": [{"role": "user", "content": "Question \#(n)"}, {"role": "assistant", "content": "Answer \#(n)"}]}"#
    }

    static func file(_ count: Int) -> String {
        (1...count).map(example).joined(separator: "\n") + "\n"
    }

    @Test func theSharedFixtureHasTwoValidExamplesAndOnlyTooFew() throws {
        let text = String(decoding: try Fixtures.data("training-data.jsonl"), as: UTF8.self)
        let summary = TrainingFileValidator.check(text: text, file: "training-data.jsonl")
        #expect(summary.examples == 2)
        #expect(
            summary.problems.map(\.description) == [
                "training-data.jsonl: 2 examples: the API needs at least 10 (add 8 more)"
            ])
        #expect(summary.problems.first?.line == nil)
    }

    @Test func tenValidExamplesHaveNoProblems() {
        let summary = Self.check(Self.file(10))
        #expect(summary.isValid)
        #expect(summary.examples == 10)
        #expect(summary.problems.isEmpty)
    }

    @Test(arguments: [
        (7, "7 examples: the API needs at least 10 (add 3 more)"),
        (1, "1 example: the API needs at least 10 (add 9 more)"),
    ])
    func fewerThanTenExamplesAreNamed(count: Int, message: String) {
        let summary = Self.check(Self.file(count))
        #expect(summary.problems.map(\.message) == [message])
    }

    @Test func anEmptyFileHasNoExamples() {
        #expect(
            Self.check("").problems.map(\.message) == ["no examples: the API needs at least 10 (add 10 more)"]
        )
    }

    @Test func aPrettyPrintedRecordIsOneProblemWithItsLinesAndStillCounts() throws {
        let pretty = try #require(
            String(
                data: try JSONSerialization.data(
                    withJSONObject: try JSONSerialization.jsonObject(with: Data(Self.example(3).utf8)),
                    options: [.prettyPrinted]), encoding: .utf8))
        let lineCount = pretty.split(separator: "\n").count
        let text = Self.example(1) + "\n" + Self.example(2) + "\n" + pretty + "\n" + Self.file(9)
        let summary = Self.check(text)
        #expect(summary.examples == 12)
        #expect(
            summary.problems.map(\.description) == [
                "train.jsonl:3: a record spread over lines 3–\(2 + lineCount): each example must be one JSON object on a single line"
            ])
    }

    @Test func problemsCarryTheirLineAndFile() {
        let text = Self.file(10) + #"{"messages": [{"role": "bot", "content": "x"}]}"# + "\n"
        let summary = TrainingFileValidator.check(text: text, file: "data/t.jsonl")
        #expect(
            summary.problems.map(\.description) == [
                #"data/t.jsonl:11: message 1: unknown role "bot" (known: system, developer, user, assistant, tool, function)"#,
                "data/t.jsonl:11: no assistant message: the model learns from the assistant's messages, so each example needs at least one",
            ])
    }

    @Test func blankLinesInTheMiddleAreProblems() {
        let text = Self.example(1) + "\n\n" + Self.file(10)
        #expect(
            Self.check(text).problems.map(\.description) == [
                "train.jsonl:2: blank line: remove it (every line must be an example; only a newline at the end of the file is allowed)"
            ])
    }

    @Test func problemsPastTheLimitAreCountedNotKept() {
        let text = Self.file(10) + String(repeating: "nope\n", count: 70)
        let summary = Self.check(text, problemLimit: 50)
        #expect(summary.problemCount == 70)
        #expect(summary.problems.count == 50)
        #expect(summary.omittedProblems == 20)
        #expect(summary.problems.last?.line == 60)
    }

    @Test func theMinimumIsKeptEvenPastTheLimit() {
        let summary = Self.check(String(repeating: "nope\n", count: 5), problemLimit: 2)
        #expect(summary.problemCount == 6)
        #expect(summary.problems.map(\.line) == [1, 2, nil])
    }

    @Test func billedTokensAreTheCappedTokensTimesTheDefaultEpochs() {
        // 12 examples of 14 tokens, one of them long: the default is 100 / 12 = 8 epochs.
        let short =
            #"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}"#
        let long =
            #"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ""#
            + String(repeating: "x", count: 400) + #""}]}"#
        let text = (Array(repeating: short, count: 11) + [long]).joined(separator: "\n") + "\n"
        let summary = Self.check(text, contextLength: 50)
        #expect(summary.tokens.total == 11 * 14 + (3 + 5 + 3 + 1 + 100))
        #expect(summary.tokens.billedPerEpoch == 11 * 14 + 50)
        #expect(summary.tokens.overContextLines == [12])
        let report = TrainingFileReport(
            training: summary, validation: nil,
            model: ModelContext(model: "m", snapshot: nil, contextLength: 50))
        #expect(report.epochs == 8)
        #expect(report.billedTokens == (11 * 14 + 50) * 8)
        #expect(report.isValid)
    }

    // MARK: Files on disk

    static func write(_ text: String, name: String = "train.jsonl") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ftd-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aFileOnDiskReadsLikeItsText() throws {
        // Lines longer than the reader's chunk, and a last line without a newline.
        let long =
            #"{"messages": [{"role": "user", "content": ""# + String(repeating: "y", count: 150_000)
            + #""}, {"role": "assistant", "content": "ok"}]}"#
        let text = Self.file(10) + long + "\n\n" + Self.example(11)
        let path = try Self.write(text)
        let report = try TrainingFileValidator.validate(path: path)
        #expect(report.training == TrainingFileValidator.check(text: text, file: path))
        #expect(report.training.examples == 12)
        #expect(report.training.problems.map(\.line) == [12])
        #expect(report.training.tokens.maximum == 3 + (3 + 1 + 37_500) + (3 + 1 + 1))
    }

    @Test func theValidationFileIsCheckedWithItsOwnPathAndHasNoMinimum() throws {
        let training = try Self.write(Self.file(12))
        let validation = try Self.write(Self.file(2) + "{\n", name: "valid.jsonl")
        let report = try TrainingFileValidator.validate(path: training, validationFile: validation)
        #expect(report.training.isValid)
        #expect(report.validation?.examples == 2)
        #expect(
            report.problems.map(\.description) == [
                "\(validation):3: not valid JSON: the line ends inside an object"
            ])
        #expect(!report.isValid)
        // Billing counts the training examples only.
        #expect(report.billedTokens == report.training.tokens.billedPerEpoch * DefaultEpochs.forExamples(12))
    }

    @Test func theModelSetsTheContext() throws {
        let path = try Self.write(Self.file(10))
        #expect(
            try TrainingFileValidator.validate(path: path).model.snapshot == FineTuningModels.defaultModel)
        let nano = try TrainingFileValidator.validate(path: path, model: "gpt-4.1-nano-2025-04-14")
        #expect(nano.training.tokens.contextLength == 32_768)
        let unknown = try TrainingFileValidator.validate(path: path, model: "mystery")
        #expect(unknown.training.tokens.contextLength == FineTuningModels.assumedContextLength)
        #expect(!unknown.model.isKnown)
    }

    @Test func aMissingFileOrADirectoryCannotBeRead() throws {
        #expect(throws: TrainingFileError(path: "/nonexistent/t.jsonl", reason: "No such file or directory"))
        {
            try TrainingFileValidator.validate(path: "/nonexistent/t.jsonl")
        }
        let directory = FileManager.default.temporaryDirectory.path
        let error = #expect(throws: TrainingFileError.self) {
            try TrainingFileValidator.validate(path: directory)
        }
        #expect(error?.description.contains("is a directory") == true)
    }

    @Test func aMissingValidationFileCannotBeRead() throws {
        let path = try Self.write(Self.file(10))
        #expect(throws: TrainingFileError.self) {
            try TrainingFileValidator.validate(path: path, validationFile: "/nonexistent/v.jsonl")
        }
    }

    @Test func theElleExampleFileIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let elle = root.appendingPathComponent("examples/elle.jsonl").path
        let report = try TrainingFileValidator.validate(path: elle)
        #expect(report.isValid, "\(report.problems)")
        #expect(report.training.examples >= 12)
        let fixture = try Fixtures.data("training-data.jsonl")
        let start = try Data(contentsOf: URL(fileURLWithPath: elle)).prefix(fixture.count)
        #expect(start == fixture)

        let broken = try TrainingFileValidator.validate(
            path: root.appendingPathComponent("examples/elle-broken.jsonl").path)
        #expect(broken.problems.map(\.line) == [3, 19, 20])
        #expect(broken.problems[0].message.hasPrefix("a record spread over lines 3–18"))
        #expect(broken.problems[1].message.contains(#"unknown role "human""#))
        #expect(broken.problems[2].message.hasPrefix("no assistant message"))
    }
}
