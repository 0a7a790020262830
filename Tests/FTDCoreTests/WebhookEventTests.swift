import Foundation
import Testing

@testable import FTDModel

/// The webhook's body: only which job to sync is read from it (SPEC section 9).
struct WebhookEventTests {
    func decode(_ text: String) throws(APIDecodingError) -> WebhookEvent {
        try WebhookEvent.decode(Data(text.utf8))
    }

    @Test func theFixtureIsAFineTuningEventForItsJob() throws {
        let event = try WebhookEvent.decode(Fixtures.data("webhook-fine-tuning-succeeded.json"))
        #expect(
            event
                == WebhookEvent(
                    id: "evt_abc123", type: "fine_tuning.job.succeeded", createdAt: 1_719_168_000,
                    objectID: "ftjob_abc123"))
        #expect(event.fineTuningJobID == "ftjob_abc123")
    }

    @Test(arguments: ["fine_tuning.job.succeeded", "fine_tuning.job.failed", "fine_tuning.job.cancelled"])
    func everyEndStateNamesItsJob(type: String) throws {
        let event = try decode(
            #"{"id": "evt_1", "type": "\#(type)", "created_at": 1, "data": {"id": "ftjob-abc"}}"#)
        #expect(event.fineTuningJobID == "ftjob-abc")
    }

    @Test func otherEventTypesAreRecognisedAndNameNoJob() throws {
        // OpenAI's own example: a response, not a fine-tuning job.
        let response = try decode(
            #"{"id": "evt_685c059ae3a481909bdc86819b066fb6", "object": "event", "created_at": 1750861210, "type": "response.completed", "data": {"id": "resp_123"}}"#
        )
        #expect(response.type == "response.completed")
        #expect(response.objectID == "resp_123")
        #expect(response.fineTuningJobID == nil)
        // Another type needs no data at all, nor a job-shaped id.
        #expect(try decode(#"{"id": "evt_2", "type": "batch.completed"}"#).fineTuningJobID == nil)
        #expect(
            try decode(#"{"id": "evt_3", "type": "eval.run.failed", "data": {"id": "a/b"}}"#).objectID
                == "a/b")
        // Only the exact prefix: `fine_tuning.jobs` or `fine_tuning.job` alone is not one.
        #expect(
            try decode(#"{"id": "e", "type": "fine_tuning.job", "data": {"id": "x"}}"#).fineTuningJobID == nil
        )
    }

    @Test func unknownFieldsAndAnOddCreatedAtAreTolerated() throws {
        let event = try decode(
            #"{"id": "evt_1", "type": "fine_tuning.job.failed", "created_at": "soon", "data": {"id": "ftjob-1", "extra": [1]}, "more": null}"#
        )
        #expect(event.createdAt == nil)
        #expect(event.fineTuningJobID == "ftjob-1")
    }

    @Test(arguments: [
        ("", "not JSON"),
        ("<html>", "not JSON"),
        ("[]", "expected a JSON object"),
        (#"{"type": "fine_tuning.job.succeeded", "data": {"id": "ftjob-1"}}"#, "\"id\" is missing"),
        (#"{"id": "evt_1", "data": {"id": "ftjob-1"}}"#, "\"type\" is missing"),
        (#"{"id": "evt_1", "type": 7}"#, "\"type\" must be a non-empty string"),
        (#"{"id": "evt_1", "type": "fine_tuning.job.succeeded"}"#, "needs data.id"),
        (#"{"id": "evt_1", "type": "fine_tuning.job.succeeded", "data": {}}"#, "needs data.id"),
        (#"{"id": "evt_1", "type": "fine_tuning.job.succeeded", "data": {"id": 5}}"#, "needs data.id"),
        (
            #"{"id": "evt_1", "type": "fine_tuning.job.succeeded", "data": "ftjob-1"}"#,
            "expected a JSON object"
        ),
        (
            #"{"id": "evt_1", "type": "fine_tuning.job.succeeded", "data": {"id": "../files"}}"#,
            "is not a job id"
        ),
        (
            #"{"id": "evt_1", "type": "fine_tuning.job.succeeded", "data": {"id": "ftjob-1?x=1"}}"#,
            "is not a job id"
        ),
    ])
    func malformedBodiesSayWhatIsWrong(body: String, message: String) {
        #expect {
            try decode(body)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func anOverlongJobIDIsRefused() {
        let long = String(repeating: "a", count: 129)
        #expect(throws: APIDecodingError.self) {
            try decode(#"{"id": "e", "type": "fine_tuning.job.failed", "data": {"id": "\#(long)"}}"#)
        }
    }
}
