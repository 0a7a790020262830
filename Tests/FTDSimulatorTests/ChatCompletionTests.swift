import Logging
import Testing

@testable import FTDSimulator

@Suite("POST /v1/chat/completions")
struct ChatCompletionTests {
    static let base = "gpt-4o-mini-2024-07-18"
    static let gallium =
        "Gallium, oh gallium, so light - Melts in your hand, oh what a sight - At 86 degrees - Its liquid with ease - And in semiconductors, it's out of sight"

    /// The Elle job's fine-tuned model, once it has succeeded.
    static func elleModel(_ sim: SimulatorHarness) async throws -> String {
        await sim.advance(310)
        let job = try await sim.get("/v1/fine_tuning/jobs/\(try await sim.elleJobID())").json
        return try #require(job?["fine_tuned_model"]?.stringValue)
    }

    static func content(_ answer: SimulatorHarness.Answer) -> String? {
        answer.json?["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
    }

    @Test("A base model answers plainly, in the Chat Completions shape")
    func baseModelShape() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let answer = try await sim.ask(Self.base, "Tell me about Gallium")
            #expect(answer.status == 200)
            let json = try #require(answer.json)
            // The API's key order, read from the text (parsing sorts the keys).
            let keys = ["id", "object", "created", "model", "choices", "usage", "system_fingerprint"]
            #expect(Set(json.objectKeys ?? []) == Set(keys))
            let positions = keys.compactMap { answer.text.range(of: "\"\($0)\":")?.lowerBound }
            #expect(positions.count == keys.count && positions == positions.sorted())
            #expect(json["id"]?.stringValue?.hasPrefix("chatcmpl-") == true)
            #expect(json["object"] == .string("chat.completion"))
            #expect(json["created"] == .int(SimulatorHarness.start))
            #expect(json["model"] == .string(Self.base))
            #expect(json["system_fingerprint"]?.stringValue?.hasPrefix("fp_") == true)
            let text = "Gallium is the chemical element with the symbol Ga and atomic number 31."
            #expect(
                json["choices"]
                    == .array([
                        .object([
                            ("index", .int(0)),
                            (
                                "message",
                                .object([
                                    ("role", .string("assistant")), ("content", .string(text)),
                                    ("refusal", .null),
                                ])
                            ),
                            ("logprobs", .null),
                            ("finish_reason", .string("stop")),
                        ])
                    ]).keySorted)
            let prompt = 3 + 4 + ChatCompletion.tokens(in: "Tell me about Gallium")
            let completion = ChatCompletion.tokens(in: text)
            #expect(
                json["usage"]
                    == .object([
                        ("prompt_tokens", .int(Int64(prompt))),
                        ("completion_tokens", .int(Int64(completion))),
                        ("total_tokens", .int(Int64(prompt + completion))),
                    ]).keySorted)
            #expect(Self.content(try await sim.ask(Self.base, "What is a monad?")) != nil)
        }
    }

    @Test("The same request gets the same answer")
    func deterministic() async throws {
        try await SimulatorHarness.with { sim async throws in
            let model = try await Self.elleModel(sim)
            for (model, question) in [(Self.base, "Why is the sky blue?"), (model, "Tell me about Krypton")] {
                let first = try await sim.ask(model, question).json
                let second = try await sim.ask(model, question).json
                #expect(first?["choices"] == second?["choices"])
                #expect(first?["usage"] == second?["usage"])
                #expect(first?["system_fingerprint"] == second?["system_fingerprint"])
                #expect(first?["id"] != second?["id"])
            }
        }
    }

    @Test("Elle's model is not found until its job succeeds")
    func notFoundBeforeSuccess() async throws {
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            await sim.advance(309)
            // The step-90 checkpoint is listed already; its name is the model's plus a suffix.
            let checkpoints = try await sim.get("/v1/fine_tuning/jobs/\(id)/checkpoints").data
            let checkpoint = try #require(
                checkpoints.first { $0["step_number"] == .int(90) }?["fine_tuned_model_checkpoint"]?
                    .stringValue)
            let model = String(checkpoint.dropLast(":ckpt-step-90".count))
            #expect(try await sim.ask(checkpoint, "Tell me about Gallium").status == 404)
            let early = try await sim.ask(model, "Tell me about Gallium")
            #expect(early.status == 404)
            #expect(
                early.json?["error"]
                    == .object([
                        (
                            "message",
                            .string("The model `\(model)` does not exist or you do not have access to it.")
                        ),
                        ("type", .string("invalid_request_error")), ("param", .null),
                        ("code", .string("model_not_found")),
                    ]).keySorted)
            await sim.advance(1)
            #expect(try await sim.ask(model, "Tell me about Gallium").status == 200)
        }
    }

    @Test("Elle's fine-tuned model answers a training question with the training answer")
    func trainingAnswer() async throws {
        try await SimulatorHarness.with { sim async throws in
            let model = try await Self.elleModel(sim)
            #expect(Self.content(try await sim.ask(model, "Tell me about Gallium")) == Self.gallium)
            #expect(Self.content(try await sim.ask(model, "  tell me about gallium ")) == Self.gallium)
            let base = Self.content(try await sim.ask(Self.base, "Tell me about Gallium"))
            #expect(base != Self.gallium)
        }
    }

    @Test("Elle's model answers a new question with a five-line limerick about its subject")
    func limerick() async throws {
        try await SimulatorHarness.with { sim async throws in
            let model = try await Self.elleModel(sim)
            for element in ["Krypton", "Copper", "Titanium", "Boron"] {
                let text = try #require(Self.content(try await sim.ask(model, "Tell me about \(element)?")))
                let lines = text.components(separatedBy: " - ")
                #expect(lines.count == 5)
                #expect(lines.first?.contains(element) == true)
                #expect(text != Self.content(try await sim.ask(Self.base, "Tell me about \(element)?")))
            }
        }
    }

    @Test("A kept checkpoint of a succeeded job answers too; unknown ft: models are not found")
    func checkpointsAndUnknownModels() async throws {
        try await SimulatorHarness.with { sim async throws in
            let model = try await Self.elleModel(sim)
            #expect(
                Self.content(try await sim.ask("\(model):ckpt-step-90", "Tell me about Gallium"))
                    == Self.gallium)
            #expect(try await sim.ask("\(model):ckpt-step-50", "Tell me about Gallium").status == 404)
            #expect(try await sim.ask("ft:gpt-4o-mini-2024-07-18:acme::nope", "Hi").status == 404)
        }
    }

    @Test(
        "Bad requests answer 400 envelopes",
        arguments: [
            (#"{"messages": [{"role": "user", "content": "hi"}]}"#, "model", "missing_required_parameter"),
            (#"{"model": "gpt-4o-mini"}"#, "messages", "missing_required_parameter"),
            (#"{"model": "gpt-4o-mini", "messages": []}"#, "messages", "empty_array"),
            (#"{"model": "gpt-4o-mini", "messages": "hi"}"#, "messages", "invalid_type"),
            (
                #"{"model": "gpt-4o-mini", "messages": [{"content": "hi"}]}"#, "messages[0].role",
                "missing_required_parameter"
            ),
            (
                #"{"model": "gpt-4o-mini", "messages": [{"role": "bot", "content": "hi"}]}"#,
                "messages[0].role", "invalid_value"
            ),
        ])
    func badRequests(body: String, param: String, code: String) async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let answer = try await sim.post("/v1/chat/completions", json: body)
            #expect(answer.status == 400)
            #expect(answer.json?["error"]?["type"] == .string("invalid_request_error"))
            #expect(answer.json?["error"]?["param"] == .string(param))
            #expect(answer.json?["error"]?["code"] == .string(code))
        }
    }

    @Test("max_completion_tokens cuts the answer and finishes with length")
    func maxTokens() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let answer = try await sim.post(
                "/v1/chat/completions",
                json:
                    #"{"model": "gpt-4o-mini", "max_completion_tokens": 3, "messages": [{"role": "user", "content": "Tell me about Gold"}]}"#
            )
            let choice = answer.json?["choices"]?.arrayValue?.first
            #expect(choice?["finish_reason"] == .string("length"))
            #expect(choice?["message"]?["content"] == .string("Gold is the "))
            #expect(answer.json?["usage"]?["completion_tokens"] == .int(3))
        }
    }

    @Test("Chat goes through the gateway: the key, faults and the request log")
    func gateway() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            #expect(try await sim.ask(Self.base, "Hi", key: nil).status == 401)
            await sim.simulator.addFault(try FaultRule.parse("503:count=1:path=/chat/completions"))
            let faulted = try await sim.ask(Self.base, "Hi")
            #expect(faulted.status == 503)
            #expect(faulted.json?["error"]?["type"] == .string("server_error"))
            #expect(try await sim.ask(Self.base, "Hi").status == 200)
            #expect(
                await sim.simulator.requestLog() == Array(repeating: "POST /v1/chat/completions", count: 3))
        }
    }

    @Test("Answers take simulated time on the scaled clock only")
    func latency() async {
        let logger = Logger(label: "ftd.sim.test")
        let manual = SimulatorState(
            configuration: SimulatorConfiguration(clock: .manual(start: SimulatorHarness.start)),
            logger: logger)
        #expect(await manual.wallSeconds(forSimulated: 2) == 0)
        let scaled = SimulatorState(
            configuration: SimulatorConfiguration(speed: 4, clock: .scaled), logger: logger)
        #expect(await scaled.wallSeconds(forSimulated: 2) == 0.5)
    }
}
