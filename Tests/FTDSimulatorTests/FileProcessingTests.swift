import Testing

@testable import FTDSimulator

@Suite("File processing: uploaded, then processed; JSONL checked at upload")
struct FileProcessingTests {
    @Test("An upload reads uploaded until fileProcessingSeconds of simulated time have passed")
    func statusFollowsTheClock() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let uploaded = try await sim.upload(filename: "train.jsonl", content: trainingLines(10))
            #expect(uploaded.json?["status"] == .string("uploaded"))
            let id = try #require(uploaded.json?["id"]?.stringValue)
            await sim.advance(2)
            #expect(try await sim.get("/v1/files/\(id)").json?["status"] == .string("uploaded"))
            await sim.advance(1)
            #expect(try await sim.get("/v1/files/\(id)").json?["status"] == .string("processed"))
        }
    }

    @Test("The Elle scenario's file is processed from the start, so its job can be created at once")
    func scenarioFileIsProcessed() async throws {
        try await SimulatorHarness.with { sim async throws in
            let job = try await sim.get("/v1/fine_tuning/jobs/\(try await sim.elleJobID())")
            let fileID = try #require(job.json?["training_file"]?.stringValue)
            #expect(try await sim.get("/v1/files/\(fileID)").json?["status"] == .string("processed"))
        }
    }

    @Test("A job on a file still being processed is refused with file_not_ready", arguments: [true, false])
    func jobOnUnprocessedFile(trainingIsReady: Bool) async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let ready = try await sim.uploadProcessed(filename: "ready.jsonl", content: trainingLines(10))
            let fresh = try #require(
                try await sim.upload(filename: "fresh.jsonl", content: trainingLines(10)).json?["id"]?
                    .stringValue)
            let (training, validation) = trainingIsReady ? (ready, fresh) : (fresh, ready)
            let param = trainingIsReady ? "validation_file" : "training_file"
            let answer = try await sim.createJob(
                #"{"model": "gpt-4o-mini-2024-07-18", "training_file": "\#(training)", "validation_file": "\#(validation)"}"#
            )
            #expect(answer.status == 400)
            let error = try #require(answer.json?["error"])
            #expect(error["type"] == .string("invalid_request_error"))
            #expect(error["code"] == .string("file_not_ready"))
            #expect(error["param"] == .string(param))
            #expect(error["message"]?.stringValue?.contains("\(fresh)' is still being processed") == true)
            #expect(await sim.simulator.jobIDs().isEmpty)
            await sim.advance(3)
            #expect(
                try await sim.createJob(
                    #"{"model": "gpt-4o-mini-2024-07-18", "training_file": "\#(training)", "validation_file": "\#(validation)"}"#
                ).status == 200)
        }
    }

    @Test(
        "A fine-tune upload with a line that is not a JSON object is refused, naming the line",
        arguments: [
            (#"{"messages": []}"# + "\n[1, 2]\n", 2),
            ("not json at all\n", 1),
            (#"{"messages": []}"# + "\n\n" + #""just a string""# + "\n", 3),
            (#"{"messages": [}"#, 1),
        ])
    func notJSONLines(content: String, line: Int) async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let answer = try await sim.upload(filename: "bad.jsonl", content: content)
            #expect(answer.status == 400)
            #expect(
                answer.json
                    == .object([
                        (
                            "error",
                            .object([
                                (
                                    "message",
                                    .string(
                                        "Expected file to have JSONL format, where every line is a valid JSON dictionary. Line \(line) is not a dictionary."
                                    )
                                ),
                                ("type", .string("invalid_request_error")),
                                ("param", .string("file")),
                                ("code", .string("invalid_file_format")),
                            ])
                        )
                    ]).keySorted)
        }
    }

    @Test("Other purposes are stored without the JSONL check")
    func otherPurpose() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let answer = try await sim.upload(
                filename: "notes.txt", content: "plain text\n", purpose: "assistants")
            #expect(answer.status == 200)
            #expect(answer.json?["purpose"] == .string("assistants"))
        }
    }

    @Test("Content comes back byte for byte: CRLF, blank lines, no final newline, UTF-8, trailing spaces")
    func byteForByte() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let text =
                #"{"messages": [{"role": "user", "content": "Ça va? 🧪"}, {"role": "assistant", "content": "Oui"}]}  "#
                + "\r\n\r\n\t\n" + #"{"messages": [{"role": "assistant", "content": "\u00e9\\n"}]}"#
            let bytes = Array(text.utf8) + [0x20]
            let uploaded = try await sim.upload(filename: "exact.jsonl", bytes: bytes)
            #expect(uploaded.status == 200)
            #expect(uploaded.json?["bytes"] == .int(Int64(bytes.count)))
            let id = try #require(uploaded.json?["id"]?.stringValue)
            #expect(try await sim.get("/v1/files/\(id)/content").body == bytes)
        }
    }
}
