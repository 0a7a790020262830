import Foundation
import Testing

@testable import FTDTerminal
@testable import FTDTrainingFile

@Suite struct TrainingFileReportViewTests {
    static func report(_ text: String, validation: String? = nil, model: String = "gpt-4o-mini-2024-07-18")
        -> TrainingFileReport
    {
        let context = FineTuningModels.context(for: model)
        return TrainingFileReport(
            training: TrainingFileValidator.check(
                text: text, file: "t.jsonl", contextLength: context.contextLength),
            validation: validation.map {
                TrainingFileValidator.check(
                    text: $0, file: "v.jsonl", contextLength: context.contextLength, minimumExamples: nil)
            },
            model: context)
    }

    static let valid = TrainingFileValidatorTests.file(12)

    @Test func aValidReportShowsTheFiguresAndSaysReady() {
        let text = TrainingFileReportView.render(Self.report(Self.valid))
        #expect(text.hasPrefix("training file t.jsonl\n"))
        #expect(text.contains("  examples            12\n"))
        #expect(text.contains("  problems            none\n"))
        #expect(text.contains("  tokens per example  ~16 min, ~16 mean, ~17 max\n"))
        #expect(text.contains("  tokens in all       ~195\n"))
        #expect(text.contains("  over the context    none over 65,536 tokens\n"))
        #expect(text.contains("job on gpt-4o-mini-2024-07-18\n"))
        #expect(text.contains("  default epochs      8 (OpenAI's rule for 12 examples, below)\n"))
        #expect(text.contains("  billed tokens       ~1,560 (~195 per epoch × 8)\n"))
        #expect(text.contains("~ estimates: no tokenizer is used"))
        #expect(text.hasSuffix("ready to upload\n"))
        #expect(!text.contains("\u{1B}"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test func problemsComeFirstLikeACompilersAndTheRestIsCounted() {
        let text = TrainingFileReportView.render(
            Self.report(Self.valid + String(repeating: "oops\n", count: 60) + "\n\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(
            lines[0]
                == "t.jsonl:13: not valid JSON: unexpected character 'o' where a value should start at column 1"
        )
        #expect(lines[49].hasPrefix("t.jsonl:62: "))
        #expect(lines[50] == "t.jsonl: … and 11 more (61 problems in all)")
        #expect(lines[51] == "")
        #expect(text.contains("  problems            61 (listed above)\n"))
        #expect(!text.contains("ready to upload"))
    }

    @Test func colorOnlyWhenAsked() {
        let text = TrainingFileReportView.render(Self.report("nope\n"), color: true)
        #expect(text.contains("\u{1B}[1mt.jsonl:1:\u{1B}[0m not valid JSON"))
        #expect(text.contains("\u{1B}[31m2\u{1B}[0m (listed above)"))
    }

    @Test func anUnknownModelSaysTheContextIsAssumed() {
        let text = TrainingFileReportView.render(Self.report(Self.valid, model: "my-deployment"))
        #expect(text.contains("job on my-deployment\n"))
        #expect(
            text.contains(
                "16,385 tokens of each example (assumed: ftd does not know \"my-deployment\"; pass --model)"))
    }

    @Test func examplesOverTheContextAreNamedByLine() {
        let long =
            #"{"messages": [{"role": "user", "content": ""# + String(repeating: "z", count: 80_000)
            + #""}, {"role": "assistant", "content": "ok"}]}"#
        let text = TrainingFileReportView.render(
            Self.report(Self.valid + long + "\n", model: "gpt-3.5-turbo-0125"))
        #expect(
            text.contains("  over the context    ~1 over 16,385 tokens (lines 13): training truncates them\n")
        )
    }

    @Test func theValidationFileHasItsOwnFigures() {
        let text = TrainingFileReportView.render(
            Self.report(Self.valid, validation: TrainingFileValidatorTests.file(3)))
        #expect(text.contains("validation file v.jsonl\n  examples            3\n"))
        #expect(text.contains("ready to upload"))
    }

    @Test(arguments: [(0, "0"), (999, "999"), (1_000, "1,000"), (65_536, "65,536"), (1_234_567, "1,234,567")])
    func numbersAreGrouped(number: Int, text: String) {
        #expect(TrainingFileReportView.grouped(number) == text)
    }

    @Test func theJSONReportHasAStableShape() throws {
        let report = Self.report(Self.valid + "nope\n", validation: TrainingFileValidatorTests.file(2))
        let json = report.json().rendered(pretty: false)
        let keys = [
            "valid", "problem_count", "problems", "training", "validation", "model", "default_epochs",
            "billed_tokens", "estimates",
        ]
        let positions = keys.map { json.range(of: "\"\($0)\":")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        #expect(object["problem_count"] as? Int == 1)
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.first?["file"] as? String == "t.jsonl")
        #expect(problems.first?["line"] as? Int == 13)
        let training = try #require(object["training"] as? [String: Any])
        #expect(training["examples"] as? Int == 12)
        let tokens = try #require(training["tokens"] as? [String: Any])
        #expect(tokens["min"] as? Int == 16)
        #expect(tokens["total"] as? Int == 195)
        #expect((object["validation"] as? [String: Any])?["examples"] as? Int == 2)
        #expect((object["model"] as? [String: Any])?["context_length"] as? Int == 65_536)
        #expect(object["default_epochs"] as? Int == 8)
        #expect(object["billed_tokens"] as? Int == 195 * 8)
        let estimates = try #require(object["estimates"] as? [String: String])
        #expect(estimates["tokens"]?.contains("4 characters per token") == true)
    }

    @Test func theJSONOfAFileWithoutExamplesHasNullFigures() throws {
        let json = Self.report("").json().rendered(pretty: false)
        #expect(
            json.contains(#""tokens":{"min":null,"mean":null,"max":null,"total":0,"billed_per_epoch":0}"#))
        #expect(json.contains(#""line":null"#))
    }
}
