import Foundation
import Testing

@testable import FTDModel
@testable import FTDStore
@testable import FTDTerminal

/// A hostile or buggy API sends times no job has (`-2^63`, `2^63-1`, milliseconds): they
/// are kept out of the job's fields when decoding, and every duration computed from a
/// stored time saturates instead of trapping (issue 19, item 4).
@Suite("Absurd timestamps")
struct AbsurdTimeTests {
    static let absurd: [Int64] = [.min, .max, -1, 1_715_566_184_000]

    @Test(arguments: absurd)
    func aJobsImplausibleTimesAreAbsent(_ time: Int64) throws {
        let body = """
            {"id": "ftjob-x", "status": "succeeded", "created_at": \(time), "finished_at": \(time),
             "estimated_finish": \(time)}
            """
        let job = try FineTuningJob(body: Data(body.utf8))
        #expect(job.createdAt == nil)
        #expect(job.finishedAt == nil)
        #expect(job.estimatedFinish == nil)
        #expect(job.raw["finished_at"]?.int64Value == time, "the raw JSON keeps what was sent")
    }

    @Test func plausibleTimesAreKept() throws {
        let job = try FineTuningJob(
            body: Data(
                #"{"id": "ftjob-x", "status": "running", "created_at": 0, "finished_at": 1715566184}"#.utf8))
        #expect(job.createdAt == 0)
        #expect(job.finishedAt == 1_715_566_184)
    }

    @Test func anEventsImplausibleTimeIsClampedAndItsPageStillReads() throws {
        let body = """
            {"object": "list", "has_more": false, "data": [
              {"object": "fine_tuning.job.event", "id": "ev-1", "created_at": -9223372036854775808,
               "level": "info", "message": "a"},
              {"object": "fine_tuning.job.event", "id": "ev-2", "created_at": 9223372036854775807,
               "level": "info", "message": "b"}]}
            """
        let page = try ListPage<JobEvent>.events(body: Data(body.utf8), jobID: "ftjob-x")
        #expect(page.data.map(\.createdAt) == [0, JSONObjectReader.plausibleTimes.upperBound])
    }

    /// Rows stored before times were checked: the views must still render.
    @Test(arguments: absurd)
    func viewsRenderStoredAbsurdTimes(_ time: Int64) {
        let options = HistoryRenderOptions(color: false, width: 100, now: 1_750_000_000)
        for (created, finished) in [(time, Int64(1_750_000_000)), (Int64(1_715_566_184), time), (time, time)]
        {
            let summary = JobSummary(
                id: "ftjob-x", status: "succeeded", model: "m", createdAt: created, finishedAt: finished)
            let running = JobSummary(id: "ftjob-y", status: "running", createdAt: created)
            #expect(JobTableView.render([summary, running], options: options).contains("ftjob-x"))
            let detail = JobDetail(
                summary: summary,
                transitions: [
                    Transition(
                        jobID: "ftjob-x", from: nil, to: "running", observedAt: created, isBaseline: false),
                    Transition(
                        jobID: "ftjob-x", from: "running", to: "x", observedAt: finished, isBaseline: false),
                ],
                events: [JobEvent(id: "e", jobID: "ftjob-x", createdAt: time, message: "m")])
            #expect(JobDetailView.render(detail, options: options).contains("ftjob-x"))
            #expect(JobDetailView.render(JobDetail(summary: running), options: options).contains("so far"))
        }
        #expect(!TerminalText.relative(time, now: 1_750_000_000).isEmpty)
        #expect(!TerminalText.relative(1_750_000_000, now: time).isEmpty)
    }

    @Test func secondsSaturate() {
        #expect(UnixTime.seconds(from: .min, to: .max) == .max)
        #expect(UnixTime.seconds(from: .max, to: .min) == .min)
        #expect(UnixTime.seconds(from: 10, to: 25) == 15)
        #expect(TerminalText.utc(.min).hasPrefix("-"))
        #expect(TerminalText.utc(0) == "1970-01-01 00:00:00")
        #expect(TerminalText.utc(-1) == "1969-12-31 23:59:59")
    }

    @Test(arguments: absurd)
    func watchProgressSurvivesAbsurdTimes(_ time: Int64) {
        let progress = WatchProgress.estimate(
            points: [(time: .min, step: 1), (time: time, step: 5)], totalSteps: 100, estimatedFinish: time,
            now: 1_750_000_000)
        #expect(progress?.step == 5)
        let byRate = WatchProgress.estimate(
            points: [(time: 0, step: Int.min), (time: time, step: Int.max)], totalSteps: Int.max,
            estimatedFinish: nil, now: .max)
        #expect(byRate?.step == Int.max)
    }

    /// Steps come from the API too: one of 2^63 − 1 beside step 5 overflowed the loss
    /// chart's column arithmetic, and `ftd history JOB` died.
    @Test func theLossChartDrawsAbsurdSteps() {
        for steps in [[5, Int.max], [Int.min, 5], [Int.min, Int.max], [0, 1, Int.max - 1]] {
            let curve = steps.enumerated().map { index, step in
                LossStep(jobID: "j", step: step, totalSteps: 10, trainLoss: 1.0 / Double(index + 1))
            }
            let chart = LossChart.render(curve, width: 80)
            #expect(!chart.isEmpty)
            let detail = JobDetail(summary: JobSummary(id: "j", status: "running"), steps: curve)
            #expect(
                JobDetailView.render(detail, options: HistoryRenderOptions(color: false, width: 80, now: 0))
                    .contains("Loss"))
        }
    }
}
