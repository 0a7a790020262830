import AsyncHTTPClient
import FTDSimulator
import Foundation
import Testing

/// The workflow commands of issue 6 run by the built `ftd` against the simulator, as a
/// user would: submit, watch, cancel, pause, resume, try.
@Suite(.timeLimit(.minutes(3))) struct WorkflowTests {
    static let elle = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/elle.jsonl").path

    /// The same examples, used as validation data: another file, another upload.
    static var elleValidation: String {
        Self.elle.replacingOccurrences(of: "elle.jsonl", with: "elle-validation.jsonl")
    }

    /// A simulator endpoint, read the way the API's users would.
    static func get(_ sandbox: Sandbox, _ path: String) async throws -> Data {
        var request = HTTPClientRequest(url: sandbox.baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(Sandbox.apiKey)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok, "\(path)")
        return Data(try await response.body.collect(upTo: 16 << 20).readableBytesView)
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The Elle job, baseline recorded, then moved to `running`.
    static func runningElle(_ sandbox: Sandbox) async throws -> String {
        #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
        await sandbox.simulator.advanceClock(by: 60)
        return try #require(await sandbox.simulator.jobIDs().first)
    }

    // MARK: the README's walkthrough

    /// `scripts/workflow-demo` runs the README's workflow section against the simulator;
    /// the README shows its output. Here at 40× speed.
    @Test(.timeLimit(.minutes(2))) func theReadmeWalkthroughRunsToTheEnd() async throws {
        let root = URL(fileURLWithPath: Self.elle).deletingLastPathComponent().deletingLastPathComponent()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try FTDProcess(
            // The script moves to the repository itself; the output files stay out of it.
            [root.appendingPathComponent("scripts/workflow-demo").path, "40"], in: directory,
            environment: ["FTD_BIN": FTDProcess.binary.path, "TMPDIR": directory.path],
            executable: URL(fileURLWithPath: "/bin/bash"))
        let result = try await demo.wait(timeout: .seconds(100))
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        for expected in [
            "examples/elle-broken.jsonl:3: a record spread over lines 3–18", "(exit 65)", "ready to upload",
            "succeeded", "fine-tuned model: ft:gpt-4o-mini-2024-07-18:", "│ compared: gpt-4o-mini-2024-07-18",
            "Gallium, oh gallium",
        ] {
            #expect(result.stdout.contains(expected), "\(expected): \(result.stdout)")
        }
    }

    // MARK: submit

    @Test func submitUploadsTheFileByteForByteAndCreatesTheJobWithTheGivenParameters() async throws {
        try await Sandbox.with { sandbox in
            let submit = try sandbox.start([
                "submit", Self.elle, "--validation-file", Self.elleValidation, "--model",
                "gpt-4o-mini-2024-07-18",
                "--suffix", "elle", "--epochs", "3",
                "--batch-size", "2", "--learning-rate-multiplier", "0.5", "--seed", "7", "--metadata",
                "team=ml",
                "run=1",
            ])
            // The simulator processes an upload in 3 simulated seconds; submit waits for it.
            try await eventually("the wait for processing") {
                submit.stderr.contains("waiting for the API to process")
            }
            await sandbox.simulator.advanceClock(by: 5)
            let result = try await submit.wait(timeout: .seconds(60))
            #expect(result.status == 0, "\(result.stderr)")
            let id = result.stdout.trimmingCharacters(in: .newlines)
            #expect(id.hasPrefix("ftjob-") && !id.contains("\n"), "stdout is the id alone: \(result.stdout)")
            #expect(result.stderr.contains("15 examples"), "the check's summary: \(result.stderr)")

            let job = try Self.object(try await Self.get(sandbox, "/fine_tuning/jobs/\(id)"))
            #expect(job["model"] as? String == "gpt-4o-mini-2024-07-18")
            #expect(job["user_provided_suffix"] as? String == "elle")
            #expect(job["seed"] as? Int == 7)
            #expect(job["metadata"] as? [String: String] == ["team": "ml", "run": "1"])
            let hyperparameters = try #require(job["hyperparameters"] as? [String: Any])
            #expect(hyperparameters["n_epochs"] as? Int == 3)
            #expect(hyperparameters["batch_size"] as? Int == 2)
            #expect(hyperparameters["learning_rate_multiplier"] as? Double == 0.5)
            let file = try #require(job["training_file"] as? String)
            let uploaded = try await Self.get(sandbox, "/files/\(file)/content")
            #expect(uploaded == (try Data(contentsOf: URL(fileURLWithPath: Self.elle))))
            let validation = try #require(job["validation_file"] as? String)
            #expect(validation != file)
            let uploadedValidation = try await Self.get(sandbox, "/files/\(validation)/content")
            #expect(uploadedValidation == (try Data(contentsOf: URL(fileURLWithPath: Self.elleValidation))))

            // Recorded at once: history knows the job before any daemon ran.
            let stored = try await sandbox.jobs()
            #expect(stored.map { $0["id"] as? String } == [id])
        }
    }

    @Test func submitRefusesASevenExampleFileBeforeUploadingAnything() async throws {
        try await Sandbox.with { sandbox in
            let lines = try String(contentsOfFile: Self.elle, encoding: .utf8).split(separator: "\n").prefix(
                7)
            let small = sandbox.directory.appendingPathComponent("small.jsonl").path
            try (lines.joined(separator: "\n") + "\n").write(toFile: small, atomically: true, encoding: .utf8)
            await sandbox.simulator.resetRequestLog()

            let result = try await sandbox.ftd(["submit", small, "--model", "gpt-4o-mini-2024-07-18"])
            #expect(result.status == 65, "\(result.stderr)")
            #expect(result.stderr.contains("7 examples"), "\(result.stderr)")
            #expect(result.stderr.contains("at least 10"), "\(result.stderr)")
            #expect(
                result.stderr.hasSuffix("nothing uploaded: fix them (ftd validate) or submit with --force\n"))
            #expect(result.stdout.isEmpty)
            #expect(await sandbox.simulator.requestLog().isEmpty)

            // --force sends it anyway: the API's own validation fails the job, and --watch
            // ends with 1.
            let forced = try sandbox.start([
                "submit", small, "--model", "gpt-4o-mini-2024-07-18", "--force", "--watch",
            ])
            try await eventually("the wait for processing") {
                forced.stderr.contains("waiting for the API to process")
            }
            await sandbox.simulator.advanceClock(by: 5)
            try await eventually("the job") { forced.stdout.contains("ftjob-") }
            await sandbox.simulator.advanceClock(by: 60)
            let watched = try await forced.wait(timeout: .seconds(60))
            #expect(watched.status == 1, "\(watched.stderr)")
            #expect(watched.stdout.contains("failed: invalid_n_examples"), "\(watched.stdout)")
        }
    }

    // MARK: cancel, pause, resume

    @Test func pauseResumeAndCancelAreRecordedAsTransitions() async throws {
        try await Sandbox.with { sandbox in
            let id = try await Self.runningElle(sandbox)
            let prefix = String(id.dropFirst("ftjob-".count).prefix(8))

            let pause = try await sandbox.ftd(["pause", prefix])  // a prefix of a stored job
            #expect(pause.status == 0, "\(pause.stderr)")
            #expect(pause.stdout == "\(id): pause requested: validating_files → paused\n", "\(pause.stdout)")
            let resume = try await sandbox.ftd(["resume", id])
            #expect(resume.status == 0, "\(resume.stderr)")
            #expect(resume.stdout.hasPrefix("\(id): resume requested: paused → "), "\(resume.stdout)")
            let cancel = try await sandbox.ftd(["cancel", id])
            #expect(cancel.status == 0, "\(cancel.stderr)")
            #expect(cancel.stdout.hasSuffix("→ cancelled\n"), "\(cancel.stdout)")

            let detail = try Self.objectFrom(try await sandbox.historyJSON(id))
            let transitions = try #require(detail["transitions"] as? [[String: Any]])
            #expect(transitions.compactMap { $0["to"] as? String }.suffix(3).first == "paused")
            #expect(transitions.last?["to"] as? String == "cancelled")

            // Cancelling a cancelled job: the API refuses, one line, exit 65.
            let again = try await sandbox.ftd(["cancel", id])
            #expect(again.status == 65, "\(again.stderr)")
            #expect(
                again.stderr.hasPrefix("ftd: POST /fine_tuning/jobs/\(id)/cancel: HTTP 4"), "\(again.stderr)")
            #expect(again.stderr.split(separator: "\n").count == 1)
        }
    }

    /// SPEC section 1: 69 when the API cannot be reached or keeps failing, as for
    /// `ftd run --once`; a refusal (a 4xx that is not retried) is 65, above.
    @Test func aCancelTheAPIKeepsFailingExitsWith69() async throws {
        try await Sandbox.with { sandbox in
            let id = try await Self.runningElle(sandbox)
            await sandbox.simulator.addFault(try FaultRule.parse("500:count=10:path=/cancel"))
            let cancel = try await sandbox.ftd(["cancel", id])
            #expect(cancel.status == 69, "\(cancel.stderr)")
            // The retry is logged as a warning; the last line says what failed.
            let last = try #require(cancel.stderr.split(separator: "\n").last)
            #expect(last.hasPrefix("ftd: POST /fine_tuning/jobs/\(id)/cancel: HTTP 500"), "\(cancel.stderr)")
        }
    }

    static func objectFrom(_ value: Any) throws -> [String: Any] {
        try #require(value as? [String: Any])
    }

    // MARK: try

    @Test func tryCompareShowsTheFineTunedAndTheBaseAnswerSideBySide() async throws {
        try await Sandbox.with { sandbox in
            let id = try await Self.runningElle(sandbox)
            await sandbox.simulator.advanceClock(by: 3600)
            let result = try await sandbox.ftd(
                ["try", id, "Tell me about Gallium", "--compare", "gpt-3.5-turbo-0125"],
                environment: ["OPENAI_API_KEY": Sandbox.apiKey, "COLUMNS": "140"])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "question Tell me about Gallium")
            let header = try #require(lines.first { $0.hasPrefix("fine-tuned: ft:") }, "\(result.stdout)")
            #expect(header.contains("│ compared: gpt-3.5-turbo-0125"))
            #expect(result.stdout.contains("tokens ·"), "tokens and latency: \(result.stdout)")
            // The fine-tuned model answers from its training data; the base one does not.
            let left = lines.compactMap { $0.components(separatedBy: " │").first }.joined(separator: " ")
            let right = lines.compactMap { $0.components(separatedBy: "│ ").dropFirst().first }.joined(
                separator: " ")
            #expect(left.contains("Gallium, oh gallium"), "\(result.stdout)")
            #expect(!right.contains("Gallium, oh gallium"), "\(result.stdout)")

            let json = try await sandbox.ftd(["try", id, "Tell me about Gallium", "--json"])
            let answers = try #require(try Self.object(Data(json.stdout.utf8))["answers"] as? [[String: Any]])
            #expect(answers.count == 1)
            #expect((answers.first?["model"] as? String)?.hasPrefix("ft:") == true)
        }
    }

    @Test func tryOnAJobWithoutAModelYetSaysSoWith65() async throws {
        try await Sandbox.with { sandbox in
            let id = try await Self.runningElle(sandbox)
            let result = try await sandbox.ftd(["try", id, "hello"])
            #expect(result.status == 65)
            #expect(result.stderr.contains("has no fine-tuned model yet"), "\(result.stderr)")
        }
    }
}
