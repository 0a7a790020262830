import Foundation
import Testing

@testable import FTDModel

@Suite struct DecodingEventsAndCheckpointsTests {
    @Test func metricsEventsKeepTheirData() throws {
        let page = try ListPage.events(
            body: Fixtures.data("events-list-metrics.json"), jobID: "ftjob-x")
        #expect(page.hasMore)
        #expect(page.data.count == 4)
        let first = page.data[0]
        #expect(first.id == "ftevent-9ZPjLQD7owPxiAsl7jwxhcoe")
        #expect(first.jobID == "ftjob-x")
        #expect(first.createdAt == 1_723_207_997)
        #expect(first.type == "metrics")
        #expect(first.level == "info")
        #expect(first.data?["step"]?.intValue == 300)
        #expect(first.data?["train_loss"]?.doubleValue == 0.0013630171306431293)
        #expect(page.data[2].data == .object([:]))
        #expect(page.data[2].announcesCheckpoint)
        #expect(page.data[3].data == nil)
    }

    @Test func legacyEventsWithoutTypeOrData() throws {
        let page = try ListPage.events(
            body: Fixtures.data("events-list-legacy-messages.json"), jobID: "ftjob-y")
        #expect(!page.hasMore)
        #expect(page.data.count == 6)
        #expect(page.data[2].type == nil)
        #expect(page.data[2].data == nil)
        #expect(page.data[2].message == "Step 100/100: training loss=0.00")
        #expect(page.data[5].level == "warn")
    }

    @Test func checkpointsDecode() throws {
        let page = try ListPage.checkpoints(
            body: Fixtures.data("checkpoints-list.json"), jobID: "ftjob-other")
        #expect(!page.hasMore)
        let checkpoint = try #require(page.data.first)
        #expect(checkpoint.id == "ftckpt_qtZ5Gyk4BLq1SfLFWp3RtO3P")
        #expect(checkpoint.jobID == "ftjob-fpbNQ3H1GrMehXRf8cO97xTN")
        #expect(checkpoint.stepNumber == 88)
        #expect(checkpoint.createdAt == 1_712_211_699)
        #expect(checkpoint.fineTunedModelCheckpoint?.hasSuffix(":ckpt-step-88") == true)
        #expect(checkpoint.metrics?["full_valid_loss"]?.doubleValue == 0.567)
    }

    @Test func checkpointWithOnlyAnIdTakesTheJobFromTheCaller() throws {
        let checkpoint = try Checkpoint(
            json: .object(["id": .string("ftckpt_1"), "metrics": .null]), jobID: "ftjob-z")
        #expect(checkpoint == Checkpoint(id: "ftckpt_1", jobID: "ftjob-z"))
    }

    @Test func eventWithEmptyMessageIsStillAnEvent() throws {
        let json = JSONValue.object([
            "id": .string("ftevent-1"), "created_at": .double(12.0), "message": .string(""),
        ])
        let event = try JobEvent(json: json, jobID: "ftjob-1")
        #expect(event.createdAt == 12)
        #expect(event.message == "")
    }

    @Test func hasMoreMissingMeansNoMorePages() throws {
        let page = try ListPage.events(body: Data(#"{"object":"list","data":[]}"#.utf8), jobID: "j")
        #expect(!page.hasMore)
        #expect(page.data.isEmpty)
    }
}
