import Foundation
import Testing

@testable import FTDModel
@testable import FTDStore

struct HistoryJSONTests {
    typealias S = StoreSample

    static let succeeded = JobSummary(
        id: "ftjob-abc", status: "succeeded", model: "gpt-4o-mini-2024-07-18",
        fineTunedModel: "ft:gpt-4o-mini-2024-07-18:org::abc", createdAt: 1_715_566_184,
        finishedAt: 1_715_567_000,
        trainedTokens: 12345, steps: 100, lastTrainLoss: 0.0012)

    @Test func summariesHaveSpecKeysInOrderWithNulls() {
        let queued = JobSummary(id: "ftjob-q", status: "queued")
        let failed = JobSummary(
            id: "ftjob-f", status: "failed",
            error: JobError(code: "invalid_n_examples", message: "too few", param: nil))
        let json = HistoryJSON.summaries([Self.succeeded, queued, failed], prices: PriceBook()).rendered(
            pretty: false)
        #expect(
            json == """
                [{"id":"ftjob-abc","account":"default","status":"succeeded","model":"gpt-4o-mini-2024-07-18",\
                "fine_tuned_model":"ft:gpt-4o-mini-2024-07-18:org::abc","created_at":1715566184,\
                "finished_at":1715567000,"trained_tokens":12345,"cost_usd":0.037035,"cost_estimated":false,"error":null,\
                "steps":100,"last_train_loss":0.0012},\
                {"id":"ftjob-q","account":"default","status":"queued","model":null,"fine_tuned_model":null,"created_at":null,\
                "finished_at":null,"trained_tokens":null,"cost_usd":null,"cost_estimated":false,"error":null,"steps":0,\
                "last_train_loss":null},\
                {"id":"ftjob-f","account":"default","status":"failed","model":null,"fine_tuned_model":null,"created_at":null,\
                "finished_at":null,"trained_tokens":null,"cost_usd":null,"cost_estimated":false,\
                "error":{"code":"invalid_n_examples","message":"too few",\
                "param":null},"steps":0,"last_train_loss":null}]
                """)
    }

    @Test func detailHasSpecKeysInOrderWithNulls() throws {
        let detail = JobDetail(
            summary: Self.succeeded,
            transitions: [
                Transition(
                    jobID: "ftjob-abc", from: nil, to: "validating_files", observedAt: 1_715_566_190,
                    isBaseline: true)
            ],
            steps: [
                LossStep(
                    jobID: "ftjob-abc", step: 1, totalSteps: 100, trainLoss: 1.52,
                    trainMeanTokenAccuracy: 0.61,
                    validLoss: 5.731426301549693e-05)
            ],
            checkpoints: [
                Checkpoint(
                    id: "ftckpt_x", jobID: "ftjob-abc", stepNumber: 80,
                    fineTunedModelCheckpoint: "ft:m:ckpt-step-80",
                    metrics: .object(["train_loss": .double(0.1), "step": .int(80)])),
                Checkpoint(id: "ftckpt_y", jobID: "ftjob-abc"),
            ],
            events: [
                JobEvent(
                    id: "ftevent-x", jobID: "ftjob-abc", createdAt: 1_715_566_184, level: "info", type: nil,
                    message: "Validating \"training\" file:\nfile-x")
            ],
            hookRuns: [
                HookRunView(
                    hook: "notify", deliveryID: "d-1", attempt: 1, status: "failed", exitCode: nil,
                    timedOut: true, startedAt: 1_715_567_001, durationMs: 12)
            ])
        let json = HistoryJSON.detail(detail, prices: PriceBook()).rendered(pretty: false)
        #expect(
            json == """
                {"job":\(HistoryJSON.summary(Self.succeeded, prices: PriceBook()).rendered(pretty: false)),\
                "transitions":[{"from":null,"to":"validating_files","observed_at":1715566190}],\
                "steps":[{"step":1,"total_steps":100,"train_loss":1.52,"train_mean_token_accuracy":0.61,\
                "valid_loss":5.731426301549693e-05,"valid_mean_token_accuracy":null,"full_valid_loss":null,\
                "full_valid_mean_token_accuracy":null}],\
                "checkpoints":[{"id":"ftckpt_x","step_number":80,"fine_tuned_model_checkpoint":"ft:m:ckpt-step-80",\
                "metrics":{"step":80,"train_loss":0.1}},\
                {"id":"ftckpt_y","step_number":null,"fine_tuned_model_checkpoint":null,"metrics":null}],\
                "events":[{"id":"ftevent-x","created_at":1715566184,"level":"info","type":null,\
                "message":"Validating \\"training\\" file:\\nfile-x"}],\
                "hook_runs":[{"hook":"notify","delivery_id":"d-1","attempt":1,"status":"failed","exit_code":null,\
                "timed_out":true,"started_at":1715567001,"duration_ms":12}],"alerts":[]}
                """)
        // Pretty or compact, it is the same JSON.
        let pretty = HistoryJSON.detail(detail, prices: PriceBook()).rendered(pretty: true)
        #expect(pretty.contains("\n  \"transitions\": [\n"))
        #expect(try JSONValue.parse(Data(pretty.utf8)) == JSONValue.parse(Data(json.utf8)))
    }

    @Test func anEmptyDetailStillHasEveryKey() throws {
        let database = try AppDatabase.inMemory()
        _ = try database.record(
            cycle: CycleRecord(observedAt: 7, jobs: [S.job("ftjob-a", "queued", createdAt: 5)]))
        let json = HistoryJSON.detail(try database.jobDetail(id: "ftjob-a"), prices: PriceBook()).rendered(
            pretty: false)
        #expect(
            json == """
                {"job":{"id":"ftjob-a","account":"default","status":"queued","model":"gpt-4o-mini-2024-07-18","fine_tuned_model":null,\
                "created_at":5,"finished_at":null,"trained_tokens":null,"cost_usd":null,"cost_estimated":false,\
                "error":null,"steps":0,"last_train_loss":null},\
                "transitions":[{"from":null,"to":"queued","observed_at":7}],"steps":[],"checkpoints":[],"events":[],\
                "hook_runs":[],"alerts":[]}
                """)
        #expect(HistoryJSON.summaries([], prices: PriceBook()).rendered(pretty: true) == "[]")
    }

    @Test(arguments: [
        (0.0012, "0.0012"), (5.731426301549693e-05, "5.731426301549693e-05"), (1.0, "1.0"),
        (Double.nan, "null"),
        (-2.5, "-2.5"),
    ])
    func doublesPrintAsJSONNumbers(_ value: Double, _ text: String) {
        #expect(JSONValue.double(value).rendered() == text)
    }

    @Test func controlCharactersAreEscaped() {
        #expect(JSONValue.string("a\u{01}b\\/é").rendered() == #""a\u0001b\\/é""#)
    }

    /// SPEC §6: events ascending by `created_at`; for equal `created_at`, the reverse of
    /// the API's newest-first order, across two cycles' pages.
    @Test func eventsAreInTheOrderTheyHappenedEqualSecondsIncluded() throws {
        let database = try AppDatabase.inMemory()
        func event(_ id: String, _ time: Int64) -> JobEvent {
            JobEvent(id: id, jobID: "ftjob-a", createdAt: time, message: id)
        }
        // Newest first, as the API lists them: e3, e2 and e1 share a second.
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 7, jobs: [S.job("ftjob-a", "running", createdAt: 5)],
                events: [
                    "ftjob-a": [
                        event("e4", 20), event("e3", 10), event("e2", 10), event("e1", 10), event("e0", 5),
                    ]
                ]))
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 8, jobs: [S.job("ftjob-a", "running", createdAt: 5)],
                events: ["ftjob-a": [event("e7", 30), event("e6", 20), event("e5", 20)]]))
        let json = try JSONValue.parse(
            Data(
                HistoryJSON.detail(try database.jobDetail(id: "ftjob-a"), prices: PriceBook()).rendered(
                    pretty: false
                ).utf8))
        let ids = json["events"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(ids == ["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7"])
        let times = json["events"]?.arrayValue?.compactMap { $0["created_at"]?.int64Value }
        #expect(times == [5, 10, 10, 10, 20, 20, 20, 30])
    }
}
