import Testing

@testable import FTDSimulator

@Suite("File endpoints and job creation over HTTP")
struct FileEndpointTests {
    @Test("Uploading returns a file object whose content reads back")
    func upload() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let content = trainingLines(3)
            let uploaded = try await sim.upload(filename: "train.jsonl", content: content)
            #expect(uploaded.status == 200)
            let id = try #require(uploaded.json?["id"]?.stringValue)
            #expect(id.hasPrefix("file-"))
            #expect(uploaded.json?["object"] == .string("file"))
            #expect(uploaded.json?["bytes"] == .int(Int64(content.utf8.count)))
            #expect(uploaded.json?["filename"] == .string("train.jsonl"))
            #expect(uploaded.json?["purpose"] == .string("fine-tune"))
            #expect(uploaded.json?["status"] == .string("uploaded"))
            #expect(try await sim.get("/v1/files/\(id)").json?["id"] == .string(id))
            #expect(try await sim.get("/v1/files/\(id)/content").text == content)
            #expect(try await sim.get("/v1/files/file-unknown").status == 404)
        }
    }

    @Test("A 7-example file makes a job that fails validation with invalid_n_examples")
    func tooFewExamples() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let file = try await sim.uploadProcessed(filename: "small.jsonl", content: trainingLines(7))
            let start = await sim.simulator.now()
            let created = try await sim.createJob(
                #"{"model": "gpt-4o-mini-2024-07-18", "training_file": "\#(file)"}"#)
            #expect(created.status == 200)
            #expect(created.json?["status"] == .string("validating_files"))
            #expect(created.json?["error"] == .null)
            let id = try #require(created.json?["id"]?.stringValue)
            await sim.advance(20)
            let failed = try await sim.get("/v1/fine_tuning/jobs/\(id)")
            #expect(failed.json?["status"] == .string("failed"))
            #expect(
                failed.json?["error"]
                    == .object([
                        ("code", .string("invalid_n_examples")),
                        (
                            "message",
                            .string("Training file has 7 example(s), but must have at least 10 examples")
                        ),
                        ("param", .string("training_file")),
                    ]))
            #expect(failed.json?["finished_at"] == .int(start + 20))
        }
    }

    @Test("A 10-example file makes a 100-step job that succeeds with a result file")
    func tenExamples() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let file = try await sim.uploadProcessed(filename: "ten.jsonl", content: trainingLines(10))
            let created = try await sim.post(
                "/v1/fine_tuning/jobs",
                json:
                    #"{"model": "gpt-4o-mini-2024-07-18", "training_file": "\#(file)", "suffix": "tiny", "seed": 7, "hyperparameters": {"n_epochs": "auto"}, "metadata": {"team": "ml"}}"#
            )
            let id = try #require(created.json?["id"]?.stringValue)
            #expect(created.json?["seed"] == .int(7))
            #expect(created.json?["metadata"] == .object([("team", .string("ml"))]))
            await sim.advance(310)
            let done = try await sim.get("/v1/fine_tuning/jobs/\(id)")
            #expect(done.json?["status"] == .string("succeeded"))
            #expect(
                done.json?["fine_tuned_model"]?.stringValue?.hasPrefix(
                    "ft:gpt-4o-mini-2024-07-18:ftd-sim:tiny:") == true)
            let events = try await sim.get("/v1/fine_tuning/jobs/\(id)/events?limit=3")
            #expect(
                events.data.last?["message"]?.stringValue
                    == "Step 100/100: training loss=\(JobTimeline.twoDecimals(events.data.last?["data"]?["train_loss"]?.doubleValue ?? -1))"
            )
            let resultID = try #require(done.json?["result_files"]?.arrayValue?.first?.stringValue)
            let resultFile = try await sim.get("/v1/files/\(resultID)")
            #expect(resultFile.json?["purpose"] == .string("fine-tune-results"))
            let csv = try await sim.get("/v1/files/\(resultID)/content").text
            let rows = csv.split(separator: "\n")
            #expect(rows.first == "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy")
            #expect(rows.count == 101)
        }
    }

    @Test("Explicit n_epochs sets the steps")
    func explicitEpochs() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let file = try await sim.uploadProcessed(filename: "ten.jsonl", content: trainingLines(12))
            let created = try await sim.post(
                "/v1/fine_tuning/jobs",
                json:
                    #"{"model": "m", "training_file": "\#(file)", "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2}}}}"#
            )
            let id = try #require(created.json?["id"]?.stringValue)
            await sim.advance(60)
            let events = try await sim.get("/v1/fine_tuning/jobs/\(id)/events?limit=1")
            #expect(events.data.first?["data"]?["total_steps"] == .int(24))
        }
    }

    @Test(
        "Bad create requests answer 400 envelopes",
        arguments: [
            (#"{"training_file": "file-x"}"#, "model"),
            (#"{"model": "m"}"#, "training_file"),
            (#"{"model": "m", "training_file": "file-unknown"}"#, "training_file"),
            (#"not json"#, nil),
        ])
    func badCreate(body: String, param: String?) async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let answer = try await sim.post("/v1/fine_tuning/jobs", json: body)
            #expect(answer.status == 400)
            #expect(answer.json?["error"]?["param"] == SimJSON.optional(param))
            #expect(await sim.simulator.jobIDs().isEmpty)
        }
    }

    @Test("The Elle scenario's training file is the seed example and reads back")
    func elleFile() async throws {
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            let fileID = try #require(
                try await sim.get("/v1/fine_tuning/jobs/\(id)").json?["training_file"]?.stringValue)
            let content = try await sim.get("/v1/files/\(fileID)/content").text
            #expect(content.split(separator: "\n").count == 10)
            #expect(content.contains("Tell me about Gallium"))
        }
    }
}
