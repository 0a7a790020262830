import Testing

@testable import FTDSimulator

@Suite("Jobs follow the uploaded data: format errors fail validation; parameters are kept")
struct TrainingFileFormatTests {
    static let good =
        #"{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}"#

    /// Nine good examples with `bad` as the third.
    static func file(withThirdExample bad: String) -> String {
        var lines = Array(repeating: good, count: 9)
        lines.insert(bad, at: 2)
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(
        "The format check finds each kind of problem and names the example and message",
        arguments: [
            (#"{"prompt": "q", "completion": "a"}"#, "Example 3: missing 'messages' list."),
            (#"{"messages": "hello"}"#, "Example 3: missing 'messages' list."),
            (#"{"messages": []}"#, "Example 3: 'messages' is empty."),
            (
                #"{"messages": [{"role": "user", "content": "q"}, {"role": "bot", "content": "a"}]}"#,
                "Example 3, message 2: unrecognized role 'bot' (expected one of assistant, developer, function, system, tool, user)."
            ),
            (#"{"messages": [{"content": "q"}]}"#, "Example 3, message 1: missing 'role'."),
            (
                #"{"messages": [{"role": "user", "content": 42}, {"role": "assistant", "content": "a"}]}"#,
                "Example 3, message 1: 'content' must be a string."
            ),
            (
                #"{"messages": [{"role": "user", "content": "q"}, {"role": "assistant"}]}"#,
                "Example 3, message 2: missing 'content'."
            ),
            (
                #"{"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q"}]}"#,
                "Example 3: no assistant message."
            ),
            (
                #"{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": 2}]}"#,
                "Example 3, message 2: 'weight' must be 0 or 1."
            ),
            (
                #"{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": 0.5}]}"#,
                "Example 3, message 2: 'weight' must be 0 or 1."
            ),
            ("[1, 2]", "Example 3: not a JSON object."),
        ])
    func problems(example: String, expected: String) {
        let problem = ChatFormatCheck.firstProblem(in: Array(Self.file(withThirdExample: example).utf8))
        #expect(problem?.description == expected)
    }

    @Test(
        "Well-formed examples pass: weights 0 and 1, content parts, tool calls without content",
        arguments: [
            #"{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": 0}, {"role": "user", "content": "q"}, {"role": "assistant", "content": "b", "weight": 1}]}"#,
            #"{"messages": [{"role": "user", "content": [{"type": "text", "text": "q"}]}, {"role": "assistant", "content": "a"}]}"#,
            #"{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "tool_calls": [{"id": "c", "type": "function"}]}, {"role": "tool", "content": "r"}, {"role": "assistant", "content": "a"}]}"#,
        ])
    func wellFormed(example: String) {
        #expect(ChatFormatCheck.firstProblem(in: Array(Self.file(withThirdExample: example).utf8)) == nil)
    }

    @Test("A job on a badly formatted training file fails in validating_files with invalid_training_file")
    func formatErrorFailsTheJob() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let bad = #"{"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q"}]}"#
            let file = try await sim.uploadProcessed(
                filename: "bad.jsonl", content: Self.file(withThirdExample: bad))
            let created = try await sim.createJob(
                #"{"model": "gpt-4o-mini-2024-07-18", "training_file": "\#(file)"}"#)
            #expect(created.status == 200)
            #expect(created.json?["status"] == .string("validating_files"))
            let id = try #require(created.json?["id"]?.stringValue)
            await sim.advance(19)
            #expect(
                try await sim.get("/v1/fine_tuning/jobs/\(id)").json?["status"] == .string("validating_files")
            )
            await sim.advance(1)
            let failed = try await sim.get("/v1/fine_tuning/jobs/\(id)")
            #expect(failed.json?["status"] == .string("failed"))
            let message =
                "The job failed due to a file format error in the training file. Invalid file format. Example 3: no assistant message."
            #expect(
                failed.json?["error"]
                    == .object([
                        ("code", .string("invalid_training_file")), ("message", .string(message)),
                        ("param", .string("training_file")),
                    ]).keySorted)
            #expect(failed.json?["fine_tuned_model"] == .null)
            #expect(failed.json?["trained_tokens"] == .null)
            let events = try await sim.get("/v1/fine_tuning/jobs/\(id)/events").data.reversed()
            #expect(
                events.map { "\($0["level"]?.stringValue ?? "?") \($0["message"]?.stringValue ?? "?")" } == [
                    "info Created fine-tuning job: \(id)",
                    "info Validating training file: \(file)",
                    "error \(message)",
                ])
        }
    }

    @Test("A format error in the validation file fails the job with invalid_validation_file")
    func validationFileFormatError() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let training = try await sim.uploadProcessed(filename: "train.jsonl", content: trainingLines(10))
            let validation = try await sim.uploadProcessed(
                filename: "valid.jsonl", content: Self.good + "\n" + #"{"messages": []}"# + "\n")
            let created = try await sim.createJob(
                #"{"model": "m", "training_file": "\#(training)", "validation_file": "\#(validation)"}"#)
            let id = try #require(created.json?["id"]?.stringValue)
            await sim.advance(20)
            let error = try await sim.get("/v1/fine_tuning/jobs/\(id)").json?["error"]
            #expect(error?["code"] == .string("invalid_validation_file"))
            #expect(error?["param"] == .string("validation_file"))
            #expect(
                error?["message"]
                    == .string(
                        "The job failed due to a file format error in the validation file. Invalid file format. Example 2: 'messages' is empty."
                    ))
            let events = try await sim.get("/v1/fine_tuning/jobs/\(id)/events").data
            #expect(
                events.dropLast().last?["message"]
                    == .string("Validating training file: \(training) and validation file: \(validation)"))
        }
    }

    @Test("A job keeps the parameters it was created with, in create, retrieve and list answers")
    func parametersAreKept() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let training = try await sim.uploadProcessed(filename: "train.jsonl", content: trainingLines(20))
            let validation = try await sim.uploadProcessed(filename: "valid.jsonl", content: trainingLines(5))
            let created = try await sim.createJob(
                #"""
                {"model": "gpt-4o-mini-2024-07-18", "training_file": "\#(training)", "validation_file": "\#(validation)",
                 "suffix": "limericks", "seed": 42, "metadata": {"owner": "ana", "run": "7"},
                 "method": {"type": "supervised", "supervised": {"hyperparameters":
                   {"n_epochs": 4, "batch_size": 2, "learning_rate_multiplier": 0.5}}}}
                """#)
            #expect(created.status == 200)
            let id = try #require(created.json?["id"]?.stringValue)
            let hyperparameters = SimJSON.object([
                ("n_epochs", .int(4)), ("batch_size", .int(2)), ("learning_rate_multiplier", .double(0.5)),
            ]).keySorted
            let retrieved = try await sim.get("/v1/fine_tuning/jobs/\(id)").json
            let listed = try await sim.get("/v1/fine_tuning/jobs").data.first
            for job in [created.json, retrieved, listed] {
                #expect(job?["model"] == .string("gpt-4o-mini-2024-07-18"))
                #expect(job?["training_file"] == .string(training))
                #expect(job?["validation_file"] == .string(validation))
                #expect(job?["user_provided_suffix"] == .string("limericks"))
                #expect(job?["seed"] == .int(42))
                #expect(job?["metadata"] == .object([("owner", .string("ana")), ("run", .string("7"))]))
                #expect(job?["hyperparameters"] == hyperparameters)
                #expect(job?["method"]?["supervised"]?["hyperparameters"] == hyperparameters)
            }
            await sim.advance(20 + 30 + 80 * 3 + 10)
            let done = try await sim.get("/v1/fine_tuning/jobs/\(id)").json
            #expect(done?["status"] == .string("succeeded"))
            #expect(
                done?["fine_tuned_model"]?.stringValue?.hasPrefix(
                    "ft:gpt-4o-mini-2024-07-18:ftd-sim:limericks:")
                    == true)
        }
    }
}
