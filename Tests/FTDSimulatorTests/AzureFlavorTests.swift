import Foundation
import Hummingbird
import Testing

import struct FTDModel.FineTuningJob

@testable import FTDSimulator

/// `--flavor azure`: Azure OpenAI's two surfaces, its key header, statuses, texts, names
/// and error envelope (docs/azure.md).
@Suite("Azure flavor")
struct AzureFlavorTests {
    /// A surface: where its jobs are and the query every request of it carries.
    struct Surface: Sendable, CustomStringConvertible {
        let root: String
        let query: String

        static let v1 = Surface(root: "/openai/v1", query: "")
        static let dated = Surface(root: "/openai", query: "api-version=2024-10-21")

        /// `root + path`, with the surface's query merged with `extra`.
        func uri(_ path: String, _ extra: String = "") -> String {
            let parts = [query, extra].filter { !$0.isEmpty }
            return root + path + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        }

        var description: String { root }
    }

    static let surfaces: [Surface] = [.v1, .dated]

    static func azure<T: Sendable>(
        apiVersion: String? = nil,
        revokedKeys: Set<String> = [],
        _ body: @Sendable (SimulatorHarness) async throws -> T
    ) async throws -> T {
        try await SimulatorHarness.with(
            revokedKeys: revokedKeys, flavor: .azure, apiVersion: apiVersion, body)
    }

    /// Every job of an answer (one job or a list of them) decodes with ftd's own decoder.
    static func expectDecodes(_ answer: SimulatorHarness.Answer) throws {
        let json = try #require(answer.json)
        let jobs = json["data"]?.arrayValue ?? [json]
        for job in jobs {
            let decoded = try FineTuningJob(body: Data(job.serialized.utf8))
            #expect(decoded.id == job["id"]?.stringValue)
            #expect(decoded.status == job["status"]?.stringValue)
        }
    }

    @Test("The endpoint a client is given has no /v1; OpenAI's stays …/v1")
    func endpoint() async throws {
        try await Self.azure { sim async throws in
            #expect(await sim.simulator.baseURL == "http://127.0.0.1:\(sim.port)")
        }
        try await SimulatorHarness.with { sim async throws in
            #expect(await sim.simulator.baseURL == "http://127.0.0.1:\(sim.port)/v1")
        }
    }

    @Test(
        "Both surfaces list, retrieve, page events and checkpoints, and cancel",
        arguments: surfaces)
    func surface(_ surface: Surface) async throws {
        try await Self.azure { sim async throws in
            let id = try await sim.elleJobID()
            let list = try await sim.get(surface.uri("/fine_tuning/jobs"))
            #expect(list.status == 200, "\(list.text)")
            #expect(list.ids == [id])
            try Self.expectDecodes(list)
            await sim.advance(310)
            let job = try await sim.get(surface.uri("/fine_tuning/jobs/\(id)"))
            #expect(job.status == 200)
            #expect(job.json?["status"] == .string("succeeded"))
            try Self.expectDecodes(job)

            let events = try await sim.get(surface.uri("/fine_tuning/jobs/\(id)/events", "limit=5"))
            #expect(events.status == 200)
            #expect(events.data.count == 5 && events.hasMore == true)
            #expect(events.data.first?["message"] == .string("Job succeeded."))
            let next = try await sim.get(
                surface.uri("/fine_tuning/jobs/\(id)/events", "limit=5&after=\(events.ids.last!)"))
            #expect(next.data.count == 5)
            #expect(Set(next.ids).isDisjoint(with: events.ids))

            let checkpoints = try await sim.get(surface.uri("/fine_tuning/jobs/\(id)/checkpoints"))
            #expect(checkpoints.status == 200)
            #expect(checkpoints.data.compactMap { $0["step_number"]?.intValue } == [100, 90, 80])

            let created = try await sim.createJob(
                surface,
                #"{"model": "gpt-35-turbo-0613", "training_file": "\#(try await uploaded(sim, surface))"}"#)
            #expect(created.status == 200, "\(created.text)")
            #expect(created.json?["status"] == .string("pending"))
            try Self.expectDecodes(created)
            let newID = try #require(created.json?["id"]?.stringValue)
            let cancelled = try await sim.post(surface.uri("/fine_tuning/jobs/\(newID)/cancel"))
            #expect(cancelled.status == 200, "\(cancelled.text)")
            #expect(cancelled.json?["status"] == .string("cancelled"))
            try Self.expectDecodes(cancelled)
            let again = try await sim.post(surface.uri("/fine_tuning/jobs/\(newID)/cancel"))
            #expect(again.status == 400)
            #expect(again.json?["error"]?["code"]?.stringValue == "400")
        }
    }

    /// Uploads a 10-line training file through `surface` (Azure answers 201) and lets it process.
    private func uploaded(_ sim: SimulatorHarness, _ surface: Surface) async throws -> String {
        let answer = try await sim.upload(
            filename: "train.jsonl", bytes: Array(trainingLines(10).utf8), at: surface.uri("/files"))
        #expect(answer.status == 201, "\(answer.text)")
        await sim.advance(Int64(SimulatorConfiguration().fileProcessingSeconds.rounded(.up)))
        return try #require(answer.json?["id"]?.stringValue)
    }

    @Test("Jobs go pending → running → succeeded, never validating_files or queued, and always decode")
    func statusSequence() async throws {
        try await Self.azure { sim async throws in
            let id = try await sim.elleJobID()
            #expect(id.wholeMatch(of: /ftjob-[0-9a-f]{32}/) != nil)
            var seen: [String] = []
            for _ in 0...70 {
                for surface in Self.surfaces {
                    let answer = try await sim.get(surface.uri("/fine_tuning/jobs/\(id)"))
                    try Self.expectDecodes(answer)
                    let status = try #require(answer.json?["status"]?.stringValue)
                    if seen.last != status { seen.append(status) }
                }
                await sim.advance(5)
            }
            #expect(seen == ["pending", "running", "succeeded"])
        }
    }

    @Test("Job objects have the fixture's keys, organization_id null, result_files null until there is one")
    func jobShape() async throws {
        let fixture = try FixtureShapeTests.fixture("job-azure-legacy-pending.json")
        try await Self.azure { sim async throws in
            let id = try await sim.elleJobID()
            let pending = try #require(try await sim.get("/openai/v1/fine_tuning/jobs/\(id)").json)
            #expect(FixtureShapeTests.keys(pending) == FixtureShapeTests.keys(fixture))
            #expect(pending.objectKeys == fixture.objectKeys)
            #expect(pending["organization_id"] == .null)
            #expect(pending["result_files"] == .null)
            #expect(pending["status"] == .string("pending"))
            #expect(pending["suffix"] == .string("elle"))
            await sim.advance(310)
            let done = try #require(try await sim.get("/openai/v1/fine_tuning/jobs/\(id)").json)
            #expect(FixtureShapeTests.keys(done) == FixtureShapeTests.keys(fixture))
            #expect(done["result_files"]?.arrayValue?.count == 1)
            let model = try #require(done["fine_tuned_model"]?.stringValue)
            #expect(model == "gpt-3.5-turbo-0125.ft-\(id.dropFirst("ftjob-".count))-elle")
        }
    }

    @Test("Events speak Azure's texts; checkpoints carry Azure's model names")
    func eventsAndCheckpoints() async throws {
        try await Self.azure { sim async throws in
            let id = try await sim.elleJobID()
            await sim.advance(310)
            var newestFirst: [SimJSON] = []
            var after = ""
            while true {
                let page = try await sim.get("/openai/v1/fine_tuning/jobs/\(id)/events?limit=100\(after)")
                newestFirst += page.data
                guard page.hasMore == true, let last = page.ids.last else { break }
                after = "&after=\(last)"
            }
            let messages = newestFirst.compactMap { $0["message"]?.stringValue }.reversed()
            let milestones = messages.filter { !$0.hasPrefix("Step ") && !$0.hasPrefix("Checkpoint ") }
            let resultFile = try #require(
                try await sim.get("/openai/v1/fine_tuning/jobs/\(id)").json?["result_files"]?.arrayValue?
                    .first?.stringValue)
            #expect(
                milestones == [
                    "Job enqueued. Waiting for jobs ahead to complete.", "Job started.",
                    "Completed results file: \(resultFile)", "Job succeeded.",
                ])
            #expect(messages.filter { $0.hasPrefix("Step ") }.count == 100)
            let model = "gpt-3.5-turbo-0125.ft-\(id.dropFirst("ftjob-".count))-elle"
            let checkpoints = try await sim.get("/openai/v1/fine_tuning/jobs/\(id)/checkpoints")
            #expect(
                checkpoints.data.compactMap { $0["fine_tuned_model_checkpoint"]?.stringValue }
                    == [model, "\(model):ckpt-step-90", "\(model):ckpt-step-80"])
            #expect(
                messages.contains("Checkpoint created at step 80 with Snapshot ID: \(model):ckpt-step-80"))
        }
    }

    @Test("The key goes in api-key; Bearer alone, none, or a revoked key get Azure's 401 envelope")
    func authentication() async throws {
        try await Self.azure(revokedKeys: ["revoked-key"]) { sim async throws in
            for surface in Self.surfaces {
                let uri = surface.uri("/fine_tuning/jobs")
                #expect(try await sim.get(uri).status == 200)
                var bearer = HTTPFields()
                bearer[.authorization] = "Bearer \(SimulatorHarness.key)"
                let refused = try await sim.request(.get, uri, key: nil, headers: bearer)
                #expect(refused.status == 401)
                // The gateway's envelope, not the resource's (docs/azure.md).
                #expect(refused.json?.objectKeys?.sorted() == ["message", "statusCode"])
                #expect(refused.json?["statusCode"] == .int(401))
                #expect(refused.json?["message"] == .string(SimulatorAPIError.azureInvalidToken.message))
                for answer in [try await sim.get(uri, key: nil), try await sim.get(uri, key: "revoked-key")] {
                    #expect(answer.status == 401)
                    #expect(answer.json?["error"]?.objectKeys?.sorted() == ["code", "message"])
                    #expect(answer.json?["error"]?["code"] == .string("401"))
                    #expect(
                        answer.json?["error"]?["message"]?.stringValue?.hasPrefix(
                            "Access denied due to invalid") == true)
                }
            }
        }
    }

    @Test("Errors use Azure's envelope with the code as a string; OpenAI's paths are not served")
    func errorEnvelope() async throws {
        try await Self.azure { sim async throws in
            let missing = try await sim.get("/openai/v1/fine_tuning/jobs/ftjob-nope")
            #expect(missing.status == 404)
            #expect(missing.json?["error"]?.objectKeys?.sorted() == ["code", "message"])
            #expect(missing.json?["error"]?["code"]?.stringValue != nil)
            let openAIPath = try await sim.get("/v1/fine_tuning/jobs")
            #expect(openAIPath.status == 404)
            #expect(openAIPath.json == SimulatorAPIError.azureResourceNotFound.azureEnvelope)
            let unknown = try await sim.get("/openai/v1/nothing-here")
            #expect(unknown.json == SimulatorAPIError.azureResourceNotFound.azureEnvelope)
        }
    }

    @Test("The dated surface serves one api-version: none or another answers 404 Resource not found")
    func apiVersion() async throws {
        try await Self.azure { sim async throws in
            let notFound = SimulatorAPIError.azureResourceNotFound.azureEnvelope
            for uri in [
                "/openai/fine_tuning/jobs", "/openai/fine_tuning/jobs?api-version=2024-06-01",
                "/openai/v1/fine_tuning/jobs?api-version=2024-10-21",
            ] {
                let answer = try await sim.get(uri)
                #expect(answer.status == 404, "\(uri)")
                #expect(answer.json == notFound, "\(uri)")
            }
            for uri in [
                "/openai/fine_tuning/jobs?api-version=2024-10-21", "/openai/v1/fine_tuning/jobs",
                "/openai/v1/fine_tuning/jobs?api-version=v1",
                "/openai/v1/fine_tuning/jobs?api-version=preview",
            ] {
                #expect(try await sim.get(uri).status == 200, "\(uri)")
            }
            #expect(await sim.simulator.requestLog().first == "GET /openai/fine_tuning/jobs")
        }
        try await Self.azure(apiVersion: "2025-04-01-preview") { sim async throws in
            #expect(
                try await sim.get("/openai/fine_tuning/jobs?api-version=2025-04-01-preview").status == 200)
            #expect(try await sim.get("/openai/fine_tuning/jobs?api-version=2024-10-21").status == 404)
            #expect(try await sim.get("/openai/v1/fine_tuning/jobs").status == 200)
        }
    }

    @Test("Chat goes through a deployment named as the model: in the path (dated) or as model (v1)")
    func chatThroughDeployments() async throws {
        try await Self.azure { sim async throws in
            let id = try await sim.elleJobID()
            let model = "gpt-3.5-turbo-0125.ft-\(id.dropFirst("ftjob-".count))-elle"
            let question = #"{"messages":[{"role":"user","content":"Tell me about gallium."}]}"#
            let dated = "/openai/deployments/\(model)/chat/completions?api-version=2024-10-21"
            // Not succeeded yet: no such deployment, in Azure's words.
            let early = try await sim.post(dated, json: question)
            #expect(early.status == 404)
            #expect(early.json == SimulatorAPIError.azureDeploymentNotFound.azureEnvelope)
            #expect(early.json?["error"]?["code"] == .string("DeploymentNotFound"))
            await sim.advance(310)
            for answer in [
                try await sim.post(dated, json: question),
                try await sim.post(
                    "/openai/v1/chat/completions",
                    json:
                        #"{"model":"\#(model)","messages":[{"role":"user","content":"Tell me about gallium."}]}"#
                ),
            ] {
                #expect(answer.status == 200, "\(answer.text)")
                #expect(answer.json?["model"] == .string(model))
                #expect(answer.json?["choices"]?.arrayValue?.isEmpty == false)
            }
            // A base model's deployment answers too; the dated route needs its api-version.
            #expect(
                try await sim.post(
                    "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21", json: question
                ).status == 200)
            #expect(
                try await sim.post("/openai/deployments/gpt-4o-mini/chat/completions", json: question).status
                    == 404)
        }
    }

    @Test("An injected fault answers in Azure's envelope")
    func faultEnvelope() async throws {
        try await SimulatorHarness.with(
            faults: [try FaultRule.parse("429:retry-after=2:count=1")], flavor: .azure
        ) { sim async throws in
            let answer = try await sim.get("/openai/v1/fine_tuning/jobs")
            #expect(answer.status == 429)
            #expect(answer.json?["error"]?["code"] == .string("429"))
            #expect(answer.json?["error"]?.objectKeys?.sorted() == ["code", "message"])
        }
    }
}

extension SimulatorHarness {
    /// `POST {surface}/fine_tuning/jobs` with a JSON body.
    func createJob(_ surface: AzureFlavorTests.Surface, _ json: String) async throws -> Answer {
        try await post(surface.uri("/fine_tuning/jobs"), json: json)
    }
}
