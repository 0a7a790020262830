import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDTerminal

/// The pure parts of `watch` and `try`: progress, the views, text wrapping.
struct WatchProgressTests {
    @Test func theRateIsTakenOverRecentEventsAndTheETAFollowsIt() throws {
        // 10 steps every 5 s: 2 steps/s; 200 of 300 done, the last event now.
        let points = (0...20).map { (time: Int64(1000 + $0 * 5), step: $0 * 10) }
        let progress = try #require(
            WatchProgress.estimate(points: points, totalSteps: 300, estimatedFinish: nil, now: 1100))
        #expect(progress.step == 200)
        #expect(progress.rate == 2)
        #expect(progress.secondsLeft == 50)
        #expect(!progress.fromEstimatedFinish)
        #expect(progress.fraction.map { abs($0 - 2.0 / 3.0) < 1e-9 } == true)
    }

    @Test func theAPIsEstimatedFinishWinsOverTheRate() throws {
        let points = [(time: Int64(1000), step: 10), (time: 1010, step: 20)]
        let progress = try #require(
            WatchProgress.estimate(points: points, totalSteps: 100, estimatedFinish: 1500, now: 1020))
        #expect(progress.secondsLeft == 480)
        #expect(progress.fromEstimatedFinish)
    }

    @Test func noStepsNoProgressAndOneStepNoRate() throws {
        #expect(WatchProgress.estimate(points: [], totalSteps: 10, estimatedFinish: nil, now: 0) == nil)
        let one = try #require(
            WatchProgress.estimate(points: [(time: 5, step: 3)], totalSteps: 10, estimatedFinish: nil, now: 9)
        )
        #expect(one.rate == nil)
        #expect(one.secondsLeft == nil)
    }
}

struct WatchViewTests {
    static func metrics(_ step: Int, total: Int, loss: Double, at time: Int64) -> JobEvent {
        JobEvent(
            id: "ftevent-m\(step)", jobID: "ftjob-w", createdAt: time, type: "metrics",
            message: "Step \(step)/\(total): training loss=\(loss)",
            data: .object([
                "step": .int(Int64(step)), "total_steps": .int(Int64(total)), "train_loss": .double(loss),
            ]))
    }

    static func frame(status: String, steps: Int, now: Int64 = 1200, extra: [JobEvent] = [])
        -> WatchView.Frame
    {
        let started = JobEvent(
            id: "ftevent-s", jobID: "ftjob-w", createdAt: 1000, message: "Fine-tuning job started")
        var events = [started]
        var lossSteps: [LossStep] = []
        for step in stride(from: 10, through: steps, by: 10) {
            let loss = 2.0 / Double(step)
            events.append(metrics(step, total: 100, loss: loss, at: 1000 + Int64(step)))
            lossSteps.append(LossStep(jobID: "ftjob-w", step: step, totalSteps: 100, trainLoss: loss))
        }
        let job = FineTuningJob(
            id: "ftjob-w", status: status, model: "gpt-4o-mini-2024-07-18", createdAt: 900,
            finishedAt: status == "succeeded" ? 1200 : nil,
            fineTunedModel: status == "succeeded" ? "ft:gpt-4o-mini-2024-07-18:org::elle" : nil)
        return WatchView.Frame(job: job, steps: lossSteps, events: events + extra, now: now)
    }

    @Test func theScreenShowsStatusProgressLossAndMessages() {
        let lines = WatchView.screen(Self.frame(status: "running", steps: 50), width: 100, color: false)
        #expect(lines[0].hasPrefix("ftjob-w  running  gpt-4o-mini-2024-07-18  elapsed 5m00s"), "\(lines)")
        #expect(
            lines[1].hasPrefix("[") && lines[1].contains("] 50/100 steps  50%  1.0 steps/s  ETA"), "\(lines)")
        #expect(lines[2].hasPrefix("train loss 0.0400") || lines[2].hasPrefix("train loss 0.04"), "\(lines)")
        #expect(lines[2].contains("▁"), "a sparkline: \(lines)")
        #expect(lines.contains { $0.contains("Fine-tuning job started") })
        #expect(!lines.contains { $0.contains("Step 50/100") }, "metrics events are the bar, not messages")
        #expect(lines.allSatisfy { $0.count <= 100 })
    }

    @Test func aSucceededJobNamesItsModelAndAFailedOneItsError() {
        let done = WatchView.screen(Self.frame(status: "succeeded", steps: 100), width: 120, color: false)
        #expect(
            done.last
                == "fine-tuned model: ft:gpt-4o-mini-2024-07-18:org::elle  (try it: ftd try ftjob-w \"…\")")
        #expect(done[0].contains("took 5m00s"))
        var failed = Self.frame(status: "failed", steps: 0).job
        failed.error = JobError(
            code: "invalid_n_examples", message: "Training file has 7 example(s)", param: nil)
        #expect(WatchView.finalLine(failed) == "failed: invalid_n_examples: Training file has 7 example(s)")
    }

    @Test func plainLinesSayOnlyWhatIsNew() {
        let first = Self.frame(status: "running", steps: 20)
        let lines = WatchView.plainLines(first, previous: nil)
        #expect(lines.first?.hasPrefix("ftjob-w  running") == true, "\(lines)")
        #expect(lines.contains { $0.contains("Fine-tuning job started") })
        #expect(lines.contains { $0.contains("20/100 steps") })

        // Same status, one step further in the same tenth, no message: nothing to say.
        let same = Self.frame(status: "running", steps: 20, now: 1210)
        #expect(WatchView.plainLines(same, previous: first).isEmpty)

        let note = JobEvent(
            id: "ftevent-c", jobID: "ftjob-w", createdAt: 1040, message: "Checkpoint created at step 40")
        let later = Self.frame(status: "running", steps: 40, extra: [note])
        let news = WatchView.plainLines(later, previous: first)
        #expect(news.count == 2, "\(news)")
        #expect(news[0].contains("Checkpoint created at step 40"))
        #expect(news[1].contains("40/100 steps"))

        let done = WatchView.plainLines(Self.frame(status: "succeeded", steps: 100), previous: later)
        #expect(done.first?.hasPrefix("ftjob-w  succeeded") == true)
        #expect(done.last?.hasPrefix("fine-tuned model: ") == true)
    }
}

struct TryViewTests {
    static let answers = [
        TryAnswer(
            model: "ft:gpt-4o-mini:org::elle", role: "fine-tuned",
            completion: ChatCompletion(
                content: "Gallium, oh gallium, so light - Melts in your hand, oh what a sight",
                promptTokens: 20,
                completionTokens: 17),
            error: nil, latency: 0.4321),
        TryAnswer(
            model: "gpt-4o-mini", role: "compared",
            completion: ChatCompletion(
                content: "Gallium is a soft metal.", promptTokens: 20, completionTokens: 6),
            error: nil, latency: 0.2),
    ]

    @Test func twoAnswersSitSideBySideWhenTheTerminalIsWide() {
        let text = TryView.render(
            question: "Tell me about Gallium", answers: Self.answers, width: 100, color: false)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "question Tell me about Gallium")
        let body = lines.dropFirst(2).filter { !$0.isEmpty }
        #expect(body.allSatisfy { $0.contains(" │") }, "\(body)")
        #expect(body.first?.hasPrefix("fine-tuned: ft:gpt-4o-mini:org::elle") == true)
        #expect(body.first?.contains("│ compared: gpt-4o-mini") == true)
        #expect(text.contains("20 + 17 tokens · 0.43 s"))
        #expect(text.contains("20 + 6 tokens · 0.20 s"))
        #expect(lines.allSatisfy { $0.count <= 100 })
    }

    @Test func aNarrowTerminalStacksThem() {
        let text = TryView.render(question: "q", answers: Self.answers, width: 50, color: false)
        #expect(!text.contains("│"))
        let fineTuned = text.range(of: "fine-tuned:")?.lowerBound
        let compared = text.range(of: "compared:")?.lowerBound
        #expect(fineTuned != nil && compared != nil && fineTuned! < compared!)
    }

    @Test func aFailedRequestShowsItsErrorInItsColumn() {
        var answers = Self.answers
        answers[1] = TryAnswer(
            model: "gpt-x", role: "compared", completion: nil,
            error: APIError(
                kind: .http(status: 404), message: "The model gpt-x does not exist",
                endpoint: "POST /chat/completions"
            ).description,
            latency: 0.1)
        let text = TryView.render(question: "q", answers: answers, width: 240, color: false)
        #expect(
            text.contains("(no answer: POST /chat/completions: HTTP 404: The model gpt-x does not exist)"))
        let json = TryView.json(question: "q", system: nil, answers: answers).rendered(pretty: false)
        #expect(
            json.contains("\"error\":\"POST /chat/completions: HTTP 404: The model gpt-x does not exist\""))
        #expect(json.hasPrefix("{\"question\":\"q\",\"system\":null,\"answers\":[{\"role\":\"fine-tuned\""))
    }
}

struct TextWrapTests {
    @Test(arguments: [
        ("one two three four", 9, ["one two", "three", "four"]),
        ("a\nb c", 10, ["a", "b c"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        ("", 5, [""]),
    ])
    func wraps(text: String, width: Int, expected: [String]) {
        #expect(TextWrap.lines(text, width: width) == expected)
    }
}
