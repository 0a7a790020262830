import Testing

@testable import FTDSimulator

@Suite("Job endpoints over HTTP")
struct JobEndpointTests {
    @Test("The Elle job runs to success on the manual clock")
    func elleOverHTTP() async throws {
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            #expect(id.hasPrefix("ftjob-"))
            let created = try await sim.get("/v1/fine_tuning/jobs/\(id)")
            #expect(created.status == 200)
            #expect(created.json?["status"] == .string("validating_files"))
            #expect(created.json?["created_at"] == .int(SimulatorHarness.start))
            #expect(created.json?["model"] == .string("gpt-3.5-turbo-0125"))
            await sim.advance(100)
            let running = try await sim.get("/v1/fine_tuning/jobs/\(id)")
            #expect(running.json?["status"] == .string("running"))
            #expect(running.json?["estimated_finish"] == .int(SimulatorHarness.start + 310))
            await sim.advance(210)
            let done = try await sim.get("/v1/fine_tuning/jobs/\(id)")
            #expect(done.json?["status"] == .string("succeeded"))
            #expect(done.json?["finished_at"] == .int(SimulatorHarness.start + 310))
            let model = try #require(done.json?["fine_tuned_model"]?.stringValue)
            #expect(model.hasPrefix("ft:gpt-3.5-turbo-0125:ftd-sim:elle:"))
            #expect(done.json?["trained_tokens"]?.intValue != nil)
            #expect(done.json?["user_provided_suffix"] == .string("elle"))
            #expect(done.json?["hyperparameters"]?["n_epochs"] == .int(10))
        }
    }

    @Test("Unknown job ids answer 404 in the error envelope")
    func unknownJob() async throws {
        try await SimulatorHarness.with { sim async throws in
            let answer = try await sim.get("/v1/fine_tuning/jobs/ftjob-nope")
            #expect(answer.status == 404)
            #expect(answer.json?["error"]?["message"]?.stringValue?.contains("ftjob-nope") == true)
            #expect(Set(answer.json?["error"]?.objectKeys ?? []) == ["message", "type", "param", "code"])
        }
    }

    @Test("The job list is newest first and pages with after/has_more; finished jobs are older")
    func jobPagination() async throws {
        try await SimulatorHarness.with(finishedJobs: 30, activeJobs: 3) { sim async throws in
            let all = await sim.simulator.jobIDs()
            #expect(all.count == 34)
            let first = try await sim.get("/v1/fine_tuning/jobs")
            #expect(first.ids == Array(all.prefix(20)))
            #expect(first.hasMore == true)
            let createdAts = first.data.compactMap { $0["created_at"]?.intValue }
            #expect(createdAts == createdAts.sorted(by: >))
            #expect(first.data.first?["user_provided_suffix"] == .string("elle"))
            #expect(first.data.dropFirst().prefix(3).allSatisfy { $0["status"] == .string("running") })
            let second = try await sim.get("/v1/fine_tuning/jobs?after=\(first.ids.last!)&limit=100")
            #expect(second.ids == Array(all.suffix(14)))
            #expect(second.hasMore == false)
            #expect(second.data.allSatisfy { $0["status"] == .string("succeeded") })
            let small = try await sim.get("/v1/fine_tuning/jobs?limit=2")
            #expect(small.ids == Array(all.prefix(2)) && small.hasMore == true)
        }
    }

    @Test("Equal created_at seconds keep a stable newest-first order")
    func ties() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let a = await sim.simulator.addJob(JobScript())
            let b = await sim.simulator.addJob(JobScript())
            let c = await sim.simulator.addJob(JobScript())
            let answer = try await sim.get("/v1/fine_tuning/jobs")
            #expect(answer.ids == [c, b, a])
            let again = try await sim.get("/v1/fine_tuning/jobs?after=\(c)")
            #expect(again.ids == [b, a])
        }
    }

    @Test("Jobs added with a future offset appear only once created")
    func futureJob() async throws {
        try await SimulatorHarness.with(scenario: .empty) { sim async throws in
            let id = await sim.simulator.addJob(JobScript(createdOffset: 60))
            #expect(try await sim.get("/v1/fine_tuning/jobs").ids.isEmpty)
            #expect(try await sim.get("/v1/fine_tuning/jobs/\(id)").status == 404)
            await sim.advance(60)
            #expect(try await sim.get("/v1/fine_tuning/jobs").ids == [id])
        }
    }

    @Test("Events come newest first and page by id")
    func eventPagination() async throws {
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            await sim.advance(400)
            var messages: [String] = []
            var after: String?
            var pages = 0
            repeat {
                let uri = "/v1/fine_tuning/jobs/\(id)/events?limit=30" + (after.map { "&after=\($0)" } ?? "")
                let page = try await sim.get(uri)
                messages += page.data.compactMap { $0["message"]?.stringValue }
                after = page.ids.last
                pages += 1
                if page.hasMore != true { break }
            } while pages < 20
            #expect(pages == 4)  // 4 + 100 + 2 + 2 = 108 events
            #expect(messages.count == 108)
            #expect(messages.first == "The job has successfully completed")
            #expect(messages.last == "Created fine-tuning job: \(id)")
            let defaultPage = try await sim.get("/v1/fine_tuning/jobs/\(id)/events")
            #expect(defaultPage.data.count == 20)
            let createdAts = defaultPage.data.compactMap { $0["created_at"]?.intValue }
            #expect(createdAts == createdAts.sorted(by: >))
            let metric = try #require(defaultPage.data.first { $0["type"] == .string("metrics") })
            #expect(
                metric["data"]?.objectKeys?.sorted() == [
                    "step", "total_steps", "train_loss", "train_mean_token_accuracy",
                ])
        }
    }

    @Test("Checkpoints: newest first, first_id/last_id, default limit 10")
    func checkpoints() async throws {
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            #expect(try await sim.get("/v1/fine_tuning/jobs/\(id)/checkpoints").data.isEmpty)
            await sim.advance(310)
            let answer = try await sim.get("/v1/fine_tuning/jobs/\(id)/checkpoints")
            #expect(answer.data.compactMap { $0["step_number"]?.intValue } == [100, 90, 80])
            #expect(answer.json?["first_id"]?.stringValue == answer.ids.first)
            #expect(answer.json?["last_id"]?.stringValue == answer.ids.last)
            let model = try await sim.get("/v1/fine_tuning/jobs/\(id)").json?["fine_tuned_model"]
            #expect(answer.data.first?["fine_tuned_model_checkpoint"] == model)
            let paged = try await sim.get("/v1/fine_tuning/jobs/\(id)/checkpoints?limit=2")
            #expect(paged.ids == Array(answer.ids.prefix(2)) && paged.hasMore == true)
            let rest = try await sim.get("/v1/fine_tuning/jobs/\(id)/checkpoints?after=\(paged.ids.last!)")
            #expect(rest.ids == [answer.ids[2]] && rest.hasMore == false)
        }
    }

    @Test("Pause, resume and cancel return the job and change its status")
    func controls() async throws {
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            let tooEarly = try await sim.post("/v1/fine_tuning/jobs/\(id)/pause")
            #expect(tooEarly.status == 400)
            await sim.advance(100)
            let paused = try await sim.post("/v1/fine_tuning/jobs/\(id)/pause")
            #expect(paused.status == 200)
            #expect(paused.json?["status"] == .string("paused"))
            #expect(paused.json?["id"] == .string(id))
            await sim.advance(10_000)
            #expect(try await sim.get("/v1/fine_tuning/jobs/\(id)").json?["status"] == .string("paused"))
            let resumed = try await sim.post("/v1/fine_tuning/jobs/\(id)/resume")
            #expect(resumed.json?["status"] == .string("running"))
            await sim.advance(5)
            let events = try await sim.get("/v1/fine_tuning/jobs/\(id)/events?limit=4")
            #expect(
                events.data.compactMap { $0["message"]?.stringValue }.first?.hasPrefix("Step 22/100") == true)
            let cancelled = try await sim.post("/v1/fine_tuning/jobs/\(id)/cancel")
            #expect(cancelled.json?["status"] == .string("cancelled"))
            let again = try await sim.post("/v1/fine_tuning/jobs/\(id)/cancel")
            #expect(again.status == 400)
            #expect(again.json?["error"]?["message"]?.stringValue?.contains("cancelled") == true)
        }
    }

    @Test("A paused job stops progressing, then resumes where it left off and finishes later by the pause")
    func pauseFreezesProgress() async throws {
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            let eventsURI = "/v1/fine_tuning/jobs/\(id)/events?limit=100"
            await sim.advance(100)
            #expect(try await sim.post("/v1/fine_tuning/jobs/\(id)/pause").status == 200)
            let atPause = try await sim.get(eventsURI)
            #expect(atPause.data.first?["message"] == .string("Fine-tuning job paused"))
            #expect(
                atPause.data.dropFirst().first?["message"]?.stringValue?.hasPrefix("Step 20/100:") == true)
            let checkpointsAtPause = try await sim.get("/v1/fine_tuning/jobs/\(id)/checkpoints").ids
            await sim.advance(1_000)
            let paused = try await sim.get("/v1/fine_tuning/jobs/\(id)").json
            #expect(paused?["status"] == .string("paused"))
            #expect(paused?["estimated_finish"] == .null)
            #expect(try await sim.get(eventsURI).ids == atPause.ids)
            #expect(try await sim.get("/v1/fine_tuning/jobs/\(id)/checkpoints").ids == checkpointsAtPause)

            #expect(try await sim.post("/v1/fine_tuning/jobs/\(id)/resume").status == 200)
            await sim.advance(2)
            #expect(try await sim.get(eventsURI).data.first?["message"] == .string("Fine-tuning job resumed"))
            await sim.advance(1)
            let next = try await sim.get(eventsURI).data.first
            #expect(next?["message"]?.stringValue?.hasPrefix("Step 21/100:") == true)
            #expect(next?["created_at"] == .int(SimulatorHarness.start + 1_102))
            await sim.advance(206)
            #expect(try await sim.get("/v1/fine_tuning/jobs/\(id)").json?["status"] == .string("running"))
            await sim.advance(1)
            let done = try await sim.get("/v1/fine_tuning/jobs/\(id)").json
            #expect(done?["status"] == .string("succeeded"))
            #expect(done?["finished_at"] == .int(SimulatorHarness.start + 1_310))
        }
    }
}
