import Foundation
import Testing

/// `ftd validate` as a user runs it: no configuration, no API, just files.
@Suite struct ValidateCommandTests {
    static func example(_ n: Int) -> String {
        #"{"messages": [{"role": "system", "content": "Elle answers with a limerick"}, "#
            + #"{"role": "user", "content": "Tell me about element \#(n)"}, "#
            + #"{"role": "assistant", "content": "A limerick about element number \#(n)"}]}"#
    }

    static func file(_ count: Int) -> String {
        (1...count).map(example).joined(separator: "\n") + "\n"
    }

    /// Runs `ftd validate ARGS` in a temp directory holding `files`.
    static func validate(_ arguments: [String], files: [String: String] = [:]) async throws
        -> FTDProcess.Result
    {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in files {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return try await FTDProcess.run(["validate"] + arguments, in: directory)
    }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    @Test func aPrettyPrintedRecordIsReportedWithItsLines() async throws {
        let pretty = """
            {
              "messages": [
                {"role": "user", "content": "Tell me about Neon"},
                {"role": "assistant", "content": "Neon glows"}
              ]
            }
            """
        let text = Self.example(1) + "\n" + Self.example(2) + "\n" + pretty + "\n" + Self.file(9)
        let result = try await Self.validate(["train.jsonl"], files: ["train.jsonl": text])
        #expect(result.status == 65)
        let lines = result.stdout.split(separator: "\n")
        #expect(
            lines.first
                == "train.jsonl:3: a record spread over lines 3–8: each example must be one JSON object on a single line"
        )
        #expect(!result.stdout.contains("train.jsonl:4:"))
        #expect(result.stderr.hasPrefix("ftd: 1 problem in train.jsonl"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func sevenExamplesAreRefusedLocally() async throws {
        let result = try await Self.validate(["seven.jsonl"], files: ["seven.jsonl": Self.file(7)])
        #expect(result.status == 65)
        #expect(result.stdout.hasPrefix("seven.jsonl: 7 examples: the API needs at least 10 (add 3 more)\n"))
        #expect(result.stderr.contains("fix them and run ftd validate again"))
    }

    @Test func aValidFileExitsZeroAndPrintsTheFigures() async throws {
        let result = try await Self.validate(["train.jsonl"], files: ["train.jsonl": Self.file(12)])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix("training file train.jsonl\n"))
        for figure in [
            "  examples            12\n", "  problems            none\n", "  tokens per example  ~",
            "  tokens in all       ~", "  over the context    none over 65,536 tokens\n",
            "job on gpt-4o-mini-2024-07-18\n",
            "  default epochs      8 (OpenAI's rule for 12 examples, below)\n", "  billed tokens       ~",
            "~ estimates: no tokenizer is used: about 4 characters per token",
        ] {
            #expect(result.stdout.contains(figure), "\(figure)")
        }
        #expect(result.stdout.hasSuffix("ready to upload\n"))
        #expect(!result.stdout.contains("\u{1B}"))
    }

    @Test func jsonIsMachineReadableAndSaysValid() async throws {
        let result = try await Self.validate(
            ["train.jsonl", "--json", "--model", "gpt-4.1-nano-2025-04-14"],
            files: ["train.jsonl": Self.file(12)])
        #expect(result.status == 0)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["valid"] as? Bool == true)
        #expect((report["problems"] as? [Any])?.isEmpty == true)
        #expect((report["training"] as? [String: Any])?["examples"] as? Int == 12)
        #expect((report["model"] as? [String: Any])?["context_length"] as? Int == 32_768)
        #expect(report["default_epochs"] as? Int == 8)
        #expect((report["billed_tokens"] as? Int ?? 0) > 0)
        #expect(report["estimates"] is [String: String])
        #expect(result.stdout.hasPrefix("{\n  \"valid\": true,\n  \"problem_count\": 0,"))
    }

    @Test func jsonOfAnInvalidFileListsTheProblemsAndExits65() async throws {
        let result = try await Self.validate(
            ["train.jsonl", "--json"], files: ["train.jsonl": Self.file(10) + "{\"messages\": 3}\n"])
        #expect(result.status == 65)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["valid"] as? Bool == false)
        let problem = try #require((report["problems"] as? [[String: Any]])?.first)
        #expect(problem["file"] as? String == "train.jsonl")
        #expect(problem["line"] as? Int == 11)
        #expect((problem["message"] as? String)?.contains("must be an array") == true)
    }

    @Test func aMissingFileExits66WithOneLine() async throws {
        let result = try await Self.validate(["nope.jsonl"])
        #expect(result.status == 66)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "ftd: cannot read nope.jsonl: No such file or directory (check the path and its permissions)\n"
        )
    }

    @Test func theValidationFileIsNamedInItsProblems() async throws {
        let result = try await Self.validate(
            ["train.jsonl", "--validation-file", "valid.jsonl"],
            files: [
                "train.jsonl": Self.file(12), "valid.jsonl": Self.file(2) + "\n" + Self.example(3) + "\n",
            ])
        #expect(result.status == 65)
        #expect(result.stdout.hasPrefix("valid.jsonl:3: blank line"))
        #expect(result.stdout.contains("validation file valid.jsonl\n  examples            3\n"))
        #expect(result.stderr.contains("in train.jsonl and valid.jsonl"))
        let missing = try await Self.validate(
            ["train.jsonl", "--validation-file", "gone.jsonl"], files: ["train.jsonl": Self.file(12)])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("gone.jsonl"))
    }

    @Test func theShippedExamplesReadAsTheDocsSay() async throws {
        let elle = Self.repository.appendingPathComponent("examples/elle.jsonl").path
        let valid = try await Self.validate([elle])
        #expect(valid.status == 0, "\(valid.stdout)")
        let broken = try await Self.validate([
            Self.repository.appendingPathComponent("examples/elle-broken.jsonl").path
        ])
        #expect(broken.status == 65)
        #expect(broken.stdout.components(separatedBy: "elle-broken.jsonl:").count - 1 == 3)
    }
}
