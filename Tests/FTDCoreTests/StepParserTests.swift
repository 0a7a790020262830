import FTDConfig
import FTDDaemon
import FTDEngine
import FTDModel
import Foundation
import Testing

@Suite struct StepParserTests {
    struct MessageCase: Sendable, CustomTestStringConvertible {
        var message: String
        var step: Int?
        var total: Int?
        var train: Double?
        var valid: Double?
        var fullValid: Double?
        var testDescription: String { message }
    }

    @Test(arguments: [
        MessageCase(message: "Step 85/100: training loss=0.14", step: 85, total: 100, train: 0.14),
        MessageCase(
            message: "Step 1/3: training loss=1.52, validation loss=1.61", step: 1, total: 3, train: 1.52,
            valid: 1.61),
        MessageCase(
            message: "Step 300/300: training loss=0.00, validation loss=0.00, full validation loss=0.05",
            step: 300, total: 300, train: 0, valid: 0, fullValid: 0.05),
        // A loss that blew up is kept as sent (SPEC section 10): `loss_diverged` reads it.
        MessageCase(message: "Step 7/10: training loss=nan", step: 7, total: 10, train: .nan),
        MessageCase(message: "Step 7/10: training loss=inf", step: 7, total: 10, train: .infinity),
        MessageCase(message: "Step 7/10: training loss=-inf", step: 7, total: 10, train: -.infinity),
        MessageCase(message: "Step 7/10: training loss=NaN", step: 7, total: 10, train: .nan),
        MessageCase(message: "Step 7/10: training loss=nonsense", step: nil),
        MessageCase(
            message: "Step 7/10: training loss=0.31, validation loss=nan", step: 7, total: 10, train: 0.31,
            valid: .nan),
        MessageCase(
            message: "Step 8/10: training loss=0.25, full validation loss=0.40", step: 8, total: 10,
            train: 0.25,
            fullValid: 0.40),
        MessageCase(
            message: "Step 9/10: training loss=0.2, validation loss=0.3, full validation loss=inf", step: 9,
            total: 10, train: 0.2, valid: 0.3, fullValid: .infinity),
        MessageCase(message: "Step 100/100: training loss=0.00", step: 100, total: 100, train: 0),
        MessageCase(message: "Step 0/100: training loss=3.10", step: 0, total: 100, train: 3.1),
        MessageCase(message: "Step -1/100: training loss=3.10", step: nil),
        MessageCase(message: "Step 3/10: validation loss=0.5", step: nil),
        MessageCase(message: "Step 3/10: training loss=1e-3", step: 3, total: 10, train: 0.001),
        MessageCase(message: "The job has successfully completed", step: nil),
        MessageCase(
            message: "New fine-tuned model created: ft:gpt-3.5-turbo-0125:bitnbot::9OFWzNjz", step: nil),
        MessageCase(message: "Validating training file: file-JdAJcagdOTG6ACNlFWzuzmyV", step: nil),
        MessageCase(message: "Fine-tuning job started", step: nil),
        MessageCase(message: "Step x/10: training loss=1", step: nil),
        MessageCase(message: "Step 5/10 training loss=1", step: nil),
        MessageCase(message: "Checkpoint created at step 80 with Snapshot ID: ft:x:ckpt-step-80", step: nil),
    ])
    func readsLegacyMessages(_ example: MessageCase) {
        let step = StepParser.stepFromMessage(example.message, jobID: "ftjob-x")
        #expect(step?.step == example.step)
        if example.step != nil {
            #expect(step?.totalSteps == example.total)
            // By bit pattern: a NaN equals only itself that way.
            #expect(step?.trainLoss?.bitPattern == example.train?.bitPattern)
            #expect(step?.validLoss?.bitPattern == example.valid?.bitPattern)
            #expect(step?.fullValidLoss?.bitPattern == example.fullValid?.bitPattern)
        }
    }

    @Test func metricsDataWinsOverTheRoundedMessage() throws {
        let page = try ListPage<JobEvent>.events(
            body: Fixtures.data("events-list-metrics.json"), jobID: "ftjob-m")
        let steps = page.data.compactMap(StepParser.step(from:))
        #expect(steps.map(\.step) == [300, 299])
        let last = try #require(steps.first)
        #expect(last.trainLoss == 0.0013630171306431293)
        #expect(last.validLoss == 5.731426301549693e-05)
        #expect(last.fullValidLoss == 0.05314807081111815)
        #expect(last.fullValidMeanTokenAccuracy == 0.6705839612061476)
        #expect(last.totalSteps == 300)
    }

    @Test func legacyFixtureMessagesGiveTheirSteps() throws {
        let page = try ListPage<JobEvent>.events(
            body: Fixtures.data("events-list-legacy-messages.json"), jobID: "ftjob-l")
        let steps = page.data.compactMap(StepParser.step(from:))
        #expect(steps.map(\.step) == [100, 99, 85])
        #expect(steps.map(\.trainLoss) == [0.0, 0.0, 0.14])
        #expect(steps.allSatisfy { $0.totalSteps == 100 && $0.jobID == "ftjob-l" })
    }
}

@Suite struct EventPagerTests {
    func event(_ number: Int) -> JobEvent {
        JobEvent(id: "e\(number)", jobID: "j", createdAt: Int64(number), message: "m\(number)")
    }

    @Test func stopsAtTheFirstStoredEvent() {
        var pager = EventPager()
        let next = pager.take(
            page: ListPage(data: [event(5), event(4), event(3)], hasMore: true), storedIDs: ["e4"])
        #expect(next == nil)
        #expect(pager.isComplete)
        #expect(pager.newEvents.map(\.id) == ["e5"])
    }

    @Test func pagesOnWithTheLastIdUntilTheListEnds() {
        var pager = EventPager()
        #expect(pager.take(page: ListPage(data: [event(5), event(4)], hasMore: true), storedIDs: []) == "e4")
        #expect(!pager.isComplete)
        #expect(pager.take(page: ListPage(data: [event(3)], hasMore: false), storedIDs: []) == nil)
        #expect(pager.isComplete)
        #expect(pager.newEvents.map(\.id) == ["e5", "e4", "e3"])
    }

    @Test func takesAnIdRepeatedAcrossPagesOnce() {
        var pager = EventPager()
        _ = pager.take(page: ListPage(data: [event(5), event(4)], hasMore: true), storedIDs: [])
        _ = pager.take(page: ListPage(data: [event(4), event(3)], hasMore: false), storedIDs: [])
        #expect(pager.newEvents.map(\.id) == ["e5", "e4", "e3"])
    }

    @Test func anEmptyPageEndsThePaging() {
        var pager = EventPager()
        #expect(pager.take(page: ListPage(data: [], hasMore: true), storedIDs: []) == nil)
        #expect(pager.isComplete)
    }
}

@Suite struct PollScheduleTests {
    @Test func activeJobsPollAtTheIntervalIdleOnesAtTheIdleInterval() {
        var settings = PollSettings()
        settings.interval = 7
        settings.idleInterval = 90
        #expect(PollerService.interval(activeJobs: 2, settings: settings) == 7)
        #expect(PollerService.interval(activeJobs: 0, settings: settings) == 90)
    }
}
