import Testing

@testable import FTDSimulator

@Suite("JobTimeline")
struct JobTimelineTests {
    static let created: Double = 1_000_000

    static func elleJob(interventions: [Intervention] = []) -> SimulatedJob {
        var job = SimulatedJob(
            id: "ftjob-elle", createdAt: created,
            script: ElleScenario.script(trainingFile: "file-elle"),
            generatorSeed: 42, sequence: 0
        )
        job.interventions = interventions
        return job
    }

    static func job(_ script: JobScript, interventions: [Intervention] = []) -> SimulatedJob {
        var resolved = script
        resolved.trainingFile = resolved.trainingFile ?? "file-train"
        var job = SimulatedJob(
            id: "ftjob-x", createdAt: created, script: resolved, generatorSeed: 7, sequence: 0)
        job.interventions = interventions
        return job
    }

    @Test(
        "Elle moves through the statuses on its schedule",
        arguments: [
            (0.0, "validating_files"), (19.9, "validating_files"), (20, "queued"), (49, "queued"),
            (50, "running"), (309, "running"), (310, "succeeded"), (100_000, "succeeded"),
        ]
    )
    func elleStatuses(offset: Double, status: String) {
        #expect(JobTimeline(job: Self.elleJob()).status(at: Self.created + offset) == status)
    }

    @Test("Elle trains 10 epochs of 10 examples: 100 steps, with a falling loss")
    func elleSteps() throws {
        let timeline = JobTimeline(job: Self.elleJob())
        #expect(timeline.script.epochs == 10)
        #expect(timeline.script.totalSteps == 100)
        let events = timeline.events(at: Self.created + 1_000)
        let metrics = events.filter { $0.type == "metrics" }
        #expect(metrics.count == 100)
        #expect(metrics.first?.message.hasPrefix("Step 1/100: training loss=") == true)
        let losses = metrics.compactMap { $0.data["train_loss"]?.doubleValue }
        #expect(losses.count == 100)
        let firstTen = losses.prefix(10).reduce(0, +) / 10
        let lastTen = losses.suffix(10).reduce(0, +) / 10
        #expect(firstTen > 0.9 && firstTen < 2)
        #expect(lastTen < 0.1)
        #expect(metrics.last?.data["total_steps"] == .int(100))
        #expect(metrics.allSatisfy { $0.data["valid_loss"] == nil })
    }

    @Test("Elle's events come in the real API's order with its messages")
    func elleEventOrder() {
        let timeline = JobTimeline(job: Self.elleJob())
        let messages = timeline.events(at: Self.created + 1_000).map(\.message)
        let model = Self.elleJob().fineTunedModel
        #expect(
            Array(messages.prefix(4)) == [
                "Created fine-tuning job: ftjob-elle",
                "Validating training file: file-elle",
                "Files validated, moving job to queued state",
                "Fine-tuning job started",
            ])
        #expect(
            Array(messages.suffix(2)) == [
                "New fine-tuned model created: \(model)", "The job has successfully completed",
            ])
        let checkpointMessages = messages.filter { $0.hasPrefix("Checkpoint created") }
        #expect(
            checkpointMessages == [
                "Checkpoint created at step 80 with Snapshot ID: \(model):ckpt-step-80",
                "Checkpoint created at step 90 with Snapshot ID: \(model):ckpt-step-90",
            ])
        let index80 = messages.firstIndex { $0.hasPrefix("Step 80/100") }
        let indexCheckpoint = messages.firstIndex { $0.hasPrefix("Checkpoint created at step 80") }
        #expect(index80 != nil && indexCheckpoint == index80.map { $0 + 1 })
        #expect(model.hasPrefix("ft:gpt-3.5-turbo-0125:ftd-sim:elle:"))
        #expect(model.count == "ft:gpt-3.5-turbo-0125:ftd-sim:elle:".count + 8)
    }

    @Test("Only events that happened by now are visible, with stable ids")
    func eventsGrow() {
        let timeline = JobTimeline(job: Self.elleJob())
        let early = timeline.events(at: Self.created + 60)  // steps 1...4 done
        let later = timeline.events(at: Self.created + 200)
        #expect(early.count == 4 + 4)
        #expect(Array(later.prefix(early.count)) == early)
        #expect(Set(later.map(\.id)).count == later.count)
        #expect(early.allSatisfy { $0.createdAt <= Int64(Self.created) + 60 })
    }

    @Test("Checkpoints at steps 80 and 90, and the final one named after the model")
    func checkpoints() {
        let timeline = JobTimeline(job: Self.elleJob())
        #expect(timeline.checkpoints(at: Self.created + 240).isEmpty)  // 76 steps done
        #expect(timeline.checkpoints(at: Self.created + 300).map(\.step) == [80, 90])
        let final = timeline.checkpoints(at: Self.created + 310)
        #expect(final.map(\.step) == [80, 90, 100])
        let model = Self.elleJob().fineTunedModel
        #expect(final.map(\.name) == ["\(model):ckpt-step-80", "\(model):ckpt-step-90", model])
    }

    @Test("A succeeded job has its model, tokens, finish time and result file")
    func succeededSnapshot() {
        let snapshot = JobTimeline(job: Self.elleJob()).snapshot(at: Self.created + 400)
        #expect(snapshot.status == "succeeded")
        #expect(snapshot.finishedAt == Int64(Self.created) + 310)
        #expect(snapshot.fineTunedModel == Self.elleJob().fineTunedModel)
        #expect((snapshot.trainedTokens ?? 0) > 0)
        #expect(snapshot.resultFiles == [Self.elleJob().resultFileID])
        #expect(snapshot.estimatedFinish == nil)
        let running = JobTimeline(job: Self.elleJob()).snapshot(at: Self.created + 100)
        #expect(running.estimatedFinish == Int64(Self.created) + 310)
        #expect(running.fineTunedModel == nil && running.trainedTokens == nil && running.resultFiles.isEmpty)
    }

    @Test("Paused time does not advance the job; resume continues from the same step")
    func pauseAndResume() {
        let job = Self.elleJob(interventions: [
            Intervention(kind: .pause, at: Self.created + 100),  // 20 steps done
            Intervention(kind: .resume, at: Self.created + 1_100),
        ])
        let timeline = JobTimeline(job: job)
        #expect(timeline.status(at: Self.created + 500) == "paused")
        #expect(timeline.completedSteps(at: Self.created + 1_099) == 20)
        #expect(timeline.status(at: Self.created + 1_100) == "running")
        #expect(timeline.completedSteps(at: Self.created + 1_110) == 24)
        #expect(timeline.status(at: Self.created + 1_309) == "running")
        #expect(timeline.status(at: Self.created + 1_310) == "succeeded")
        let messages = timeline.events(at: Self.created + 2_000).map(\.message)
        let paused = messages.firstIndex(of: "Fine-tuning job paused")
        let resumed = messages.firstIndex(of: "Fine-tuning job resumed")
        #expect(paused == messages.firstIndex { $0.hasPrefix("Step 20/100") }.map { $0 + 1 })
        #expect(resumed == paused.map { $0 + 1 })
    }

    @Test("Cancelling freezes the job as cancelled")
    func cancel() {
        let timeline = JobTimeline(
            job: Self.elleJob(interventions: [Intervention(kind: .cancel, at: Self.created + 75)]))
        #expect(timeline.status(at: Self.created + 74) == "running")
        #expect(timeline.status(at: Self.created + 10_000) == "cancelled")
        let events = timeline.events(at: Self.created + 10_000)
        #expect(events.last?.message == "Fine-tuning job cancelled")
        #expect(events.filter { $0.type == "metrics" }.count == 10)
        #expect(timeline.snapshot(at: Self.created + 10_000).finishedAt == Int64(Self.created) + 75)
    }

    @Test("A job failing during validation reports its error and no steps")
    func validationFailure() {
        let script = JobScript(examples: 7, epochs: 3, outcome: .fail(.tooFewExamples(7), afterStep: nil))
        let timeline = JobTimeline(job: Self.job(script))
        #expect(timeline.status(at: Self.created + 19) == "validating_files")
        let snapshot = timeline.snapshot(at: Self.created + 20)
        #expect(snapshot.status == "failed")
        #expect(snapshot.error == .tooFewExamples(7))
        #expect(
            snapshot.error?.message == "Training file has 7 example(s), but must have at least 10 examples")
        let events = timeline.events(at: Self.created + 1_000)
        #expect(events.last?.level == "error")
        #expect(events.allSatisfy { $0.type != "metrics" })
    }

    @Test("A job failing mid-training stops after its scripted step")
    func trainingFailure() {
        let failure = JobFailure(code: "server_error", message: "The job failed due to an internal error.")
        let script = JobScript(
            examples: 10, epochs: 2,
            durations: JobDurations(validating: 1, queued: 1, perStep: 1, finishing: 1),
            outcome: .fail(failure, afterStep: 5))
        let timeline = JobTimeline(job: Self.job(script))
        #expect(timeline.status(at: Self.created + 6) == "running")
        #expect(timeline.status(at: Self.created + 7) == "failed")
        #expect(timeline.events(at: Self.created + 100).filter { $0.type == "metrics" }.count == 5)
        #expect(timeline.snapshot(at: Self.created + 100).error == failure)
    }

    @Test("Validation steps carry valid_loss every 10 steps when a validation file is given")
    func validationMetrics() {
        let script = JobScript(validationFile: "file-valid", examples: 10, epochs: 2)
        let metrics = JobTimeline(job: Self.job(script)).events(at: Self.created + 10_000).filter {
            $0.type == "metrics"
        }
        let withValidation = metrics.filter { $0.data["valid_loss"] != nil }.compactMap {
            $0.data["step"]?.intValue
        }
        #expect(withValidation == [10, 20])
        #expect(metrics[9].message.contains(", validation loss="))
        #expect(metrics[9].message.contains(", full validation loss="))
        #expect(!metrics[8].message.contains("validation"))
    }

    @Test(
        "n_epochs auto: 3 epochs, at least 100 and at most 25,000 example passes, 1...25",
        arguments: [(10, 10), (7, 14), (1, 25), (12, 8), (30, 3), (100, 3), (10_000, 2), (30_000, 1)])
    func automaticEpochs(examples: Int, epochs: Int) {
        #expect(JobScript.automaticEpochs(examples: examples) == epochs)
    }

    @Test("The result CSV has one row per step and empty validation cells")
    func resultCSV() {
        let lines = JobTimeline(job: Self.elleJob()).resultCSV().split(separator: "\n")
        #expect(lines.first == "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy")
        #expect(lines.count == 101)
        #expect(lines[1].hasPrefix("1,") && lines[1].hasSuffix(",,"))
    }
}
