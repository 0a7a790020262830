import Foundation
import Testing

@testable import FTDSimulator

/// The scenarios that produce each alert of SPEC §10, as a client sees them over HTTP on
/// the manual clock, on both flavors; and the healthy jobs, which must produce none.
@Suite("Alert scenarios")
struct AlertScenarioTests {
    static let start = SimulatorHarness.start

    /// What the flavor calls things: its v1 path prefix, and its statuses and texts.
    struct Surface: Sendable, CustomStringConvertible {
        let flavor: SimulatorFlavor

        var prefix: String { flavor == .azure ? "/openai/v1" : "/v1" }
        var waiting: (validating: String, queued: String) {
            flavor == .azure ? ("pending", "pending") : ("validating_files", "queued")
        }
        var cancelledMessage: String {
            flavor == .azure ? "Job cancelled." : "Fine-tuning job cancelled"
        }
        var description: String { flavor.rawValue }
    }

    static let surfaces = SimulatorFlavor.allCases.map(Surface.init)

    static func with<T: Sendable>(
        _ scenario: Scenario, _ surface: Surface,
        _ body: @Sendable (SimulatorHarness, String) async throws -> T
    ) async throws -> T {
        try await SimulatorHarness.with(scenario: scenario, flavor: surface.flavor) { sim async throws in
            let ids = await sim.simulator.jobIDs()
            #expect(ids.count == 1)
            return try await body(sim, try sim.elleJobID())
        }
    }

    /// Moves the manual clock to `offset` seconds after the start.
    static func at(_ offset: Int64, _ sim: SimulatorHarness) async throws {
        let now = await sim.simulator.now()
        await sim.advance(max(0, start + offset - now))
    }

    static func job(_ id: String, _ sim: SimulatorHarness, _ surface: Surface) async throws -> SimJSON {
        try #require(try await sim.get("\(surface.prefix)/fine_tuning/jobs/\(id)").json)
    }

    /// Every event of the job, oldest first, paged as a client pages them.
    static func events(_ id: String, _ sim: SimulatorHarness, _ surface: Surface) async throws -> [SimJSON] {
        var newestFirst: [SimJSON] = []
        var after = ""
        while true {
            let page = try await sim.get("\(surface.prefix)/fine_tuning/jobs/\(id)/events?limit=100\(after)")
            #expect(page.status == 200)
            newestFirst += page.data
            guard page.hasMore == true, let last = page.ids.last else { break }
            after = "&after=\(last)"
        }
        return newestFirst.reversed()
    }

    static func checkpointSteps(_ id: String, _ sim: SimulatorHarness, _ surface: Surface) async throws
        -> [Int]
    {
        let page = try await sim.get("\(surface.prefix)/fine_tuning/jobs/\(id)/checkpoints?limit=100")
        return page.data.compactMap { $0["step_number"]?.intValue }.map(Int.init).reversed()
    }

    // MARK: slow-queue

    @Test("slow-queue: created at the start, waiting 3 hours, then trains and succeeds", arguments: surfaces)
    func slowQueue(surface: Surface) async throws {
        try await Self.with(.slowQueue, surface) { sim, id async throws in
            var job = try await Self.job(id, sim, surface)
            #expect(job["created_at"] == .int(Self.start))
            #expect(job["status"] == .string(surface.waiting.validating))
            try await Self.at(20, sim)
            #expect(try await Self.job(id, sim, surface)["status"] == .string(surface.waiting.queued))
            try await Self.at(10_819, sim)
            job = try await Self.job(id, sim, surface)
            #expect(job["status"] == .string(surface.waiting.queued))
            #expect(job["created_at"] == .int(Self.start))
            let waitingEvents = try await Self.events(id, sim, surface)
            #expect(waitingEvents.count == (surface.flavor == .azure ? 1 : 3))
            #expect(waitingEvents.allSatisfy { $0["type"] == .string("message") })
            try await Self.at(10_820, sim)
            #expect(try await Self.job(id, sim, surface)["status"] == .string("running"))
            try await Self.at(11_079, sim)
            #expect(try await Self.job(id, sim, surface)["status"] == .string("running"))
            try await Self.at(11_080, sim)
            job = try await Self.job(id, sim, surface)
            #expect(job["status"] == .string("succeeded"))
            #expect(job["finished_at"] == .int(Self.start + 11_080))
            let steps = LossCriteria.steps(ofEvents: try await Self.events(id, sim, surface))
            #expect(steps.map(\.step) == Array(1...100))
            #expect(LossCriteria.divergence(steps) == nil && LossCriteria.overfitting(steps) == nil)
        }
    }

    // MARK: stalled

    @Test(
        "stalled: 5 steps by 10 s, then running with not one new event until cancelled", arguments: surfaces)
    func stalled(surface: Surface) async throws {
        try await Self.with(.stalled, surface) { sim, id async throws in
            try await Self.at(4, sim)
            #expect(try await Self.job(id, sim, surface)["status"] == .string(surface.waiting.queued))
            try await Self.at(5, sim)
            #expect(try await Self.job(id, sim, surface)["status"] == .string("running"))
            try await Self.at(10, sim)
            let early = try await Self.events(id, sim, surface)
            #expect(LossCriteria.steps(ofEvents: early).map(\.step) == Array(1...5))
            #expect(early.last?["created_at"] == .int(Self.start + 10))
            // Every event's created_at is at or before the moment it appears.
            #expect(early.allSatisfy { ($0["created_at"]?.intValue ?? .max) <= Self.start + 10 })

            for offset: Int64 in [11, 41, 3_600, 86_400] {
                try await Self.at(offset, sim)
                let job = try await Self.job(id, sim, surface)
                #expect(job["status"] == .string("running"))
                #expect(job["finished_at"] == .null)
                #expect(try await Self.events(id, sim, surface) == early)
                #expect(try await Self.checkpointSteps(id, sim, surface).isEmpty)
            }

            let cancelled = try await sim.post("\(surface.prefix)/fine_tuning/jobs/\(id)/cancel")
            #expect(cancelled.status == 200)
            #expect(cancelled.json?["status"] == .string("cancelled"))
            let after = try await Self.events(id, sim, surface)
            #expect(after.count == early.count + 1)
            #expect(after.last?["message"] == .string(surface.cancelledMessage))
            #expect(after.last?["created_at"] == .int(Self.start + 86_400))
        }
    }

    // MARK: diverging

    @Test(
        "diverging: the loss turns at step 20, its average triples, step 70 is nan without data",
        arguments: surfaces)
    func diverging(surface: Surface) async throws {
        try await Self.with(.diverging, surface) { sim, id async throws in
            // Step 69 at 222.5 s, step 70 at 225 s.
            try await Self.at(224, sim)
            let before = LossCriteria.steps(ofEvents: try await Self.events(id, sim, surface))
            #expect(before.count == 69 && before.allSatisfy(\.train.isFinite))

            try await Self.at(310, sim)
            let job = try await Self.job(id, sim, surface)
            #expect(job["status"] == .string("succeeded"))
            #expect(job["error"] == nil || job["error"] == .null)
            let events = try await Self.events(id, sim, surface)
            let nan = events.filter { $0["message"]?.stringValue?.hasPrefix("Step 70/") == true }
            #expect(nan.count == 1)
            #expect(nan.first?["message"] == .string("Step 70/100: training loss=nan"))
            #expect(nan.first?["type"] == .string("message"))
            #expect(nan.first?["level"] == .string("info"))
            #expect(nan.first?.objectKeys?.contains("data") == false)
            #expect(events.filter { $0["type"] == .string("metrics") }.count == 99)
            #expect(!events.map(\.serialized).joined().contains("NaN"))

            let steps = LossCriteria.steps(ofEvents: events)
            #expect(steps.map(\.step) == Array(1...100))
            #expect(steps[69].train.isNaN)
            let train = steps.map(\.train)
            #expect(train[0] > 1.3 && train[19] < 0.4)
            #expect(zip(train[20..<69], train[21..<69]).filter { $1 < $0 }.count < 12)  // climbs
            let finite = Array(steps.prefix(69))
            let twice = try #require(LossCriteria.divergence(finite, ratio: 2))
            let thrice = try #require(LossCriteria.divergence(finite, ratio: 3))
            #expect((35...50).contains(twice))
            #expect(thrice <= 60)  // within 40 steps of the turn
            #expect(LossCriteria.divergence(steps) == twice)
            #expect(try await Self.checkpointSteps(id, sim, surface) == [80, 90, 100])
        }
    }

    // MARK: overfitting

    @Test(
        "overfitting: valid_loss on every step, lowest at 40, rising while train falls; checkpoints every epoch",
        arguments: surfaces)
    func overfitting(surface: Surface) async throws {
        try await Self.with(.overfitting, surface) { sim, id async throws in
            let validationFile = try #require(
                try await Self.job(id, sim, surface)["validation_file"]?.stringValue)
            let file = try await sim.get("\(surface.prefix)/files/\(validationFile)")
            #expect(file.json?["filename"] == .string(AlertScenarios.validationFilename))
            try await Self.at(310, sim)
            #expect(try await Self.job(id, sim, surface)["status"] == .string("succeeded"))
            let events = try await Self.events(id, sim, surface)
            let metrics = events.filter { $0["type"] == .string("metrics") }
            #expect(metrics.count == 100)
            #expect(metrics.allSatisfy { $0["message"]?.stringValue?.contains(", validation loss=") == true })

            let steps = LossCriteria.steps(ofEvents: events)
            let valid = steps.compactMap(\.valid)
            #expect(valid.count == 100)
            let lowest = try #require(valid.min())
            #expect((36...44).contains(valid.firstIndex(of: lowest).map { $0 + 1 } ?? 0))
            #expect(valid[99] >= 1.3 * lowest)
            let smoothed = LossCriteria.smoothed(valid)
            #expect(smoothed[99] >= 1.3 * (smoothed.min() ?? 0))
            #expect(zip(steps, steps.dropFirst()).allSatisfy { $1.train < $0.train })

            let strict = try #require(LossCriteria.strictOverfitting(steps))
            let lenient = try #require(LossCriteria.overfitting(steps))
            #expect(lenient.step <= strict.step && strict.step <= 62)
            #expect(lenient.lowestStep == strict.lowestStep)
            #expect((40...56).contains(strict.lowestStep))

            let checkpoints = try await Self.checkpointSteps(id, sim, surface)
            #expect(checkpoints == Array(stride(from: 10, through: 100, by: 10)))
            let nearest = try #require(
                checkpoints.min { abs($0 - strict.lowestStep) < abs($1 - strict.lowestStep) })
            #expect(abs(nearest - strict.lowestStep) <= 5)
            let messages = events.compactMap { $0["message"]?.stringValue }
            #expect(messages.filter { $0.hasPrefix("Checkpoint created at step ") }.count == 9)
            #expect(
                messages.contains { $0.hasPrefix("Checkpoint created at step \(nearest) with Snapshot ID: ") }
            )
            let page = try await sim.get("\(surface.prefix)/fine_tuning/jobs/\(id)/checkpoints?limit=100")
            let kept = try #require(page.data.first { $0["step_number"] == .int(Int64(nearest)) })
            #expect(kept["metrics"]?["valid_loss"]?.doubleValue != nil)
        }
    }

    // MARK: Healthy jobs fire nothing

    @Test("Elle, seeded on either flavor, fires neither loss alert", arguments: surfaces)
    func elleFiresNothing(surface: Surface) async throws {
        try await Self.with(.elle, surface) { sim, id async throws in
            try await Self.at(310, sim)
            let steps = LossCriteria.steps(ofEvents: try await Self.events(id, sim, surface))
            #expect(steps.count == 100 && steps.allSatisfy { $0.valid == nil })
            #expect(LossCriteria.divergence(steps) == nil)
            #expect(LossCriteria.overfitting(steps) == nil)
        }
    }

    static func timeline(_ script: JobScript, seed: UInt64) -> JobTimeline {
        var resolved = script
        resolved.trainingFile = resolved.trainingFile ?? "file-train"
        return JobTimeline(
            job: SimulatedJob(id: "ftjob-x", createdAt: 0, script: resolved, generatorSeed: seed, sequence: 0)
        )
    }

    @Test("Healthy jobs of every usual size, with and without validation, fire no loss alert")
    func healthyJobsFireNothing() {
        var scripts: [(String, JobScript)] = [("elle", ElleScenario.script(trainingFile: "file-elle"))]
        scripts.append(("default", JobScript()))
        scripts.append(("default with validation", JobScript(validationFile: "file-valid")))
        for examples in [10, 25, 50, 100, 400] {
            let epochs = JobScript.automaticEpochs(examples: examples)
            scripts.append(
                (
                    "\(examples) examples with validation",
                    JobScript(validationFile: "file-valid", examples: examples, epochs: epochs)
                ))
        }
        for (name, script) in scripts {
            for seed in UInt64(0)..<100 {
                let steps = LossCriteria.steps(of: Self.timeline(script, seed: seed))
                #expect(LossCriteria.divergence(steps) == nil, "\(name), seed \(seed)")
                #expect(LossCriteria.overfitting(steps) == nil, "\(name), seed \(seed)")
            }
        }
        // The size of the seeded long-running jobs: 6,000 steps.
        for validationFile in [nil, "file-valid"] {
            let long = JobScript(validationFile: validationFile, examples: 2_000, epochs: 3)
            for seed in UInt64(0)..<3 {
                let steps = LossCriteria.steps(of: Self.timeline(long, seed: seed))
                #expect(LossCriteria.divergence(steps) == nil, "long, seed \(seed)")
                #expect(LossCriteria.overfitting(steps) == nil, "long, seed \(seed)")
            }
        }
    }

    @Test("The alert shapes produce their case whatever the job's seed")
    func shapesHoldForEverySeed() throws {
        let base = ElleScenario.script(trainingFile: "file-elle")
        for seed in UInt64(0)..<200 {
            let diverging = try #require(
                AlertScenarios.script(.diverging, trainingFile: "file-elle", validationFile: nil))
            let steps = LossCriteria.steps(of: Self.timeline(diverging, seed: seed))
            let finite = Array(steps.prefix(69))
            #expect((35...50).contains(LossCriteria.divergence(finite) ?? 0), "seed \(seed)")
            #expect((LossCriteria.divergence(finite, ratio: 3) ?? .max) <= 60, "seed \(seed)")

            let overfitting = try #require(
                AlertScenarios.script(.overfitting, trainingFile: "file-elle", validationFile: "file-valid"))
            let overfit = LossCriteria.steps(of: Self.timeline(overfitting, seed: seed))
            let strict = LossCriteria.strictOverfitting(overfit)
            #expect(strict != nil && (strict?.step ?? .max) <= 62, "seed \(seed)")
            #expect(LossCriteria.overfitting(overfit) != nil, "seed \(seed)")
            #expect(LossCriteria.divergence(overfit) == nil, "seed \(seed)")

            for scenario in [Scenario.slowQueue, .stalled] {
                let script = try #require(
                    AlertScenarios.script(scenario, trainingFile: "file-elle", validationFile: nil))
                #expect(script.lossShape == base.lossShape)
                let healthy = LossCriteria.steps(of: Self.timeline(script, seed: seed))
                #expect(LossCriteria.divergence(healthy) == nil && LossCriteria.overfitting(healthy) == nil)
            }
        }
    }

    @Test("Every scenario has a one-line summary, and the names are what --scenario takes")
    func summaries() {
        #expect(
            Scenario.allCases.map(\.rawValue) == [
                "elle", "empty", "slow-queue", "stalled", "diverging", "overfitting",
            ])
        for scenario in Scenario.allCases {
            #expect(!scenario.summary.isEmpty && !scenario.summary.contains("\n"))
            #expect(scenario.rawValue.count + 2 + scenario.summary.count <= 72, "\(scenario)")
        }
    }
}
