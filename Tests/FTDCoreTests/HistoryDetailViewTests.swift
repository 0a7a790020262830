import Foundation
import Testing

@testable import FTDModel
@testable import FTDStore
@testable import FTDTerminal

struct HistoryDetailViewTests {
    static let created: Int64 = 1_715_566_184
    static let options = HistoryRenderOptions(color: false, width: 80, now: created + 10_000)

    static var detail: JobDetail {
        let id = "ftjob-Usfb9RjasncaZ5Cjbuh1XSCh"
        let steps = (1...20).map { step in
            LossStep(
                jobID: id, step: step, totalSteps: 20, trainLoss: 2.0 / Double(step),
                validLoss: step % 5 == 0 ? 2.2 / Double(step) : nil)
        }
        return JobDetail(
            summary: JobSummary(
                id: id, status: "succeeded", model: "gpt-4o-mini-2024-07-18",
                fineTunedModel: "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:9ABel2dg",
                createdAt: created,
                finishedAt: created + 3_700, trainedTokens: 5768, steps: 20, lastTrainLoss: 0.1),
            transitions: [
                Transition(
                    jobID: id, from: nil, to: "validating_files", observedAt: created + 6, isBaseline: false),
                Transition(
                    jobID: id, from: "validating_files", to: "running", observedAt: created + 70,
                    isBaseline: false),
                Transition(
                    jobID: id, from: "running", to: "succeeded", observedAt: created + 3_710,
                    isBaseline: false),
            ],
            steps: steps,
            checkpoints: [
                Checkpoint(
                    id: "ftckpt_1", jobID: id, stepNumber: 10,
                    fineTunedModelCheckpoint:
                        "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:9ABel2dg:ckpt-step-10",
                    metrics: .object(["train_loss": .double(0.2), "valid_loss": .double(0.22)]))
            ],
            events: (0..<10).map { index in
                JobEvent(
                    id: "ev-\(index)", jobID: id, createdAt: created + Int64(index) * 60,
                    message: "event number \(index)")
            })
    }

    @Test func theJobViewAtEightyColumns() {
        #expect(
            JobDetailView.render(Self.detail, options: Self.options) == """
                ftjob-Usfb9RjasncaZ5Cjbuh1XSCh  succeeded
                  model     gpt-4o-mini-2024-07-18 → ft:gpt-4o-mini-2024-0…ustom-suffix:9ABel2dg
                  created   2024-05-13 02:09:44 UTC
                  finished  2024-05-13 03:11:24 UTC  (took 1h01m)
                  trained   5768 tokens
                  cost      $0.02

                Timeline (UTC)
                  2024-05-13 02:09:50  validating_files  1m04s
                  2024-05-13 02:10:54  running           1h00m
                  2024-05-13 03:11:34  succeeded

                Checkpoints
                  step 10   ft:gpt-4o-mini-2024-07…:9ABel2dg:ckpt-step-10  train 0.2  valid 0.22

                Loss (20 steps, up to step 20 of 20)
                    2┤•
                     │
                     │
                     │
                     │ •
                     │   •
                     │    • o• ••
                  0.1┤            •o •• •• o• •• • o
                     └──────────────────────────────
                      step 1                      20
                      • train loss  o validation loss

                Last 8 of 10 events
                  2024-05-13 02:11:44  info   event number 2
                  2024-05-13 02:12:44  info   event number 3
                  2024-05-13 02:13:44  info   event number 4
                  2024-05-13 02:14:44  info   event number 5
                  2024-05-13 02:15:44  info   event number 6
                  2024-05-13 02:16:44  info   event number 7
                  2024-05-13 02:17:44  info   event number 8
                  2024-05-13 02:18:44  info   event number 9

                """)
    }

    @Test(arguments: [30, 50, 80, 120])
    func everyLineFits(width: Int) {
        let text = JobDetailView.render(
            Self.detail, options: HistoryRenderOptions(width: width, now: Self.created))
        for line in text.split(separator: "\n") {
            #expect(line.count <= width, "\(line)")
        }
    }

    @Test func aNarrowTerminalGetsASparkline() {
        let text = JobDetailView.render(
            Self.detail, options: HistoryRenderOptions(width: 30, now: Self.created))
        #expect(text.contains("  2 █"))
        #expect(!text.contains("└"))
    }

    @Test func aRunningJobShowsHowLongItsStatusHasLasted() {
        var detail = Self.detail
        detail.summary.status = "running"
        detail.summary.finishedAt = nil
        detail.transitions.removeLast()
        let text = JobDetailView.render(detail, options: Self.options)
        #expect(text.contains("  2024-05-13 02:10:54  running           2h45m so far"))
    }

    @Test func aFailedJobShowsItsError() {
        let detail = JobDetail(
            summary: JobSummary(
                id: "ftjob-f", status: "failed", model: "gpt-4o-mini", createdAt: Self.created,
                error: JobError(
                    code: "invalid_n_examples", message: "Training file has 7 example(s)",
                    param: "training_file")))
        let text = JobDetailView.render(detail, options: Self.options)
        #expect(
            text.contains(
                "  error     invalid_n_examples: Training file has 7 example(s) (training_file)\n"))
    }
}

struct HistoryTextFormatTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01 00:00:00"), (1_715_566_184, "2024-05-13 02:09:44"),
        (951_782_400, "2000-02-29 00:00:00"),
        (-1, "1969-12-31 23:59:59"),
    ])
    func formatsUTC(_ time: Int64, _ text: String) {
        #expect(TerminalText.utc(time) == text)
    }

    @Test(arguments: [
        (Int64(5), "5s"), (184, "3m04s"), (3_720, "1h02m"), (273_600, "3d04h"), (-3, "0s"),
        (60, "1m00s"), (86_399, "23h59m"), (8_640_000, "100d00h"),
    ])
    func formatsDurations(_ seconds: Int64, _ text: String) {
        #expect(TerminalText.duration(seconds) == text)
    }

    @Test(arguments: [
        (Int64(10), "just now"), (720, "12m ago"), (18_000, "5h ago"), (259_200, "3d ago"),
        (864_000, "2024-05-03"),
    ])
    func formatsRelativeTimes(_ age: Int64, _ text: String) {
        #expect(TerminalText.relative(1_715_566_184 - age, now: 1_715_566_184) == text)
    }

    @Test(arguments: [
        (1.52, "1.52"), (0.0012, "0.0012"), (5.731426301549693e-05, "5.7e-05"), (10.112, "10.112"),
        (0, "0"), (-0.5, "-0.5"), (9.99996, "10"), (0.00099996, "1.0e-03"), (2.5e-07, "2.5e-07"),
        (123456.78901, "123456.789"), (0.001, "0.001"), (-3e-05, "-3.0e-05"), (1e-300, "1.0e-300"),
        // Rounding ties decided by the exact binary value, as printf does.
        (0.00115, "0.0011"), (0.00125, "0.0013"), (1.25e-20, "1.2e-20"), (0.125, "0.125"), (2.00005, "2"),
        (.leastNonzeroMagnitude, "4.9e-324"), (Double("1e-310")!, "1.0e-310"), (1e15, "1000000000000000"),
        (9.96e-05, "1.0e-04"), (1.79e308, "1.79e+308"), (-2e16, "-2.00e+16"),
    ])
    func formatsLosses(_ value: Double, _ text: String) {
        #expect(TerminalText.loss(value) == text)
    }

    @Test func elides() {
        #expect(TerminalText.elideEnd("gpt-4o-mini-2024-07-18", 10) == "gpt-4o-mi…")
        #expect(TerminalText.elideMiddle("ft:gpt-4o-mini:org::abc123", 13) == "ft:gpt…abc123")
        #expect(TerminalText.elideMiddle("short", 13) == "short")
    }
}
