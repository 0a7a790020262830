import Foundation
import Testing

@testable import FTDAPI
@testable import FTDDaemon
@testable import FTDModel
@testable import FTDStore
@testable import FTDTerminal

/// Every view that prints API text to a terminal (`ftd history`, `history JOB`, `hooks
/// runs`, `status`, `watch`, the log) sanitises it before laying it out and eliding it.
@Suite("Hostile API text in the terminal views")
struct HostileTextViewTests {
    static let esc = "\u{1B}"
    static let clipboard = "\u{1B}]52;c;ZXZpbA==\u{07}"
    static let title = "\u{1B}]0;pwned\u{07}"
    static let clear = "\u{1B}[2J"
    static let created: Int64 = 1_715_566_184
    static let options = HistoryRenderOptions(color: true, width: 100, now: created + 10_000)

    /// Control characters other than those of ftd's own colours (`ESC [ … m`).
    static func hasForeignControl(_ text: String) -> Bool {
        let withoutColours = text.replacingOccurrences(
            of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        return withoutColours.unicodeScalars.contains { scalar in
            scalar != "\n" && TerminalSanitizer.Kind(scalar) != .plain
        }
    }

    static var hostileSummary: JobSummary {
        JobSummary(
            id: "ftjob-\u{202E}evil", status: "running\r\(esc)[K",
            model: "gpt-4o-mini\(clipboard)", fineTunedModel: "ft:gpt-4o-mini:\(title)\(clear)x",
            createdAt: created,
            error: JobError(
                code: "bad\(clear)", message: "line one\r\(esc)[Kfake success", param: "p\(title)"),
            steps: 1, lastTrainLoss: 0.5)
    }

    @Test func historyTable() {
        for width in [200, 60] {
            let text = JobTableView.render(
                [Self.hostileSummary],
                options: HistoryRenderOptions(color: true, width: width, now: Self.created))
            #expect(!Self.hasForeignControl(text), "width \(width): \(text.debugDescription)")
            #expect(text.contains("gpt-4o-mini"))
        }
    }

    @Test func historyJob() {
        let id = Self.hostileSummary.id
        let detail = JobDetail(
            summary: Self.hostileSummary,
            transitions: [
                Transition(
                    jobID: id, from: nil, to: "queued\(Self.clear)", observedAt: Self.created,
                    isBaseline: false)
            ],
            checkpoints: [
                Checkpoint(
                    id: "ftckpt_1", jobID: id, stepNumber: 1, fineTunedModelCheckpoint: "ck\(Self.title)")
            ],
            events: [
                JobEvent(
                    id: "ev-1", jobID: id, createdAt: Self.created, level: "warn\(Self.clear)",
                    message: "Step 1: \(Self.title)\(Self.clear)training \u{202E}gnilaeter"),
                JobEvent(
                    id: "ev-2", jobID: id, createdAt: Self.created + 1,
                    message: String(repeating: "x", count: 90) + Self.clipboard),
            ],
            hookRuns: [
                HookRunView(
                    hook: "notify", deliveryID: "d", attempt: 1, status: "failed", exitCode: 1,
                    timedOut: false,
                    startedAt: Self.created, durationMs: 5)
            ])
        let text = JobDetailView.render(detail, options: Self.options)
        #expect(!Self.hasForeignControl(text), "\(text.debugDescription)")
        #expect(text.contains("line one fake success"))
    }

    @Test func hooksRuns() {
        let delivery = DeliveryView(
            deliveryID: "dlv_1", hook: "notify", jobID: "ftjob-x\(Self.title)", from: "running\(Self.clear)",
            to: "failed", observedAt: Self.created, status: "failed", attempts: 3, lastExitCode: 1,
            lastStderrLine: "curl: \(Self.clipboard)\r\(Self.esc)[Kall good", createdAt: Self.created,
            doneAt: nil)
        let text = DeliveryTableView.render([delivery], options: Self.options)
        #expect(!Self.hasForeignControl(text), "\(text.debugDescription)")
        #expect(text.contains("all good"))
    }

    @Test func watch() {
        let job = FineTuningJob(
            id: "ftjob-w", status: "failed", model: "gpt\(Self.clipboard)", createdAt: Self.created,
            finishedAt: Self.created + 10, fineTunedModel: "ft:\(Self.title)",
            error: JobError(code: "x\(Self.clear)", message: "boom\r\(Self.esc)[K", param: nil))
        let events = [
            JobEvent(
                id: "e", jobID: "ftjob-w", createdAt: Self.created, level: "error\(Self.clear)",
                message: "m\(Self.title)")
        ]
        let frame = WatchView.Frame(job: job, steps: [], events: events, now: Self.created + 20)
        let screen = WatchView.screen(frame, width: 80, color: true).joined(separator: "\n")
        #expect(!Self.hasForeignControl(screen), "\(screen.debugDescription)")
        let plain = WatchView.plainLines(frame, previous: nil).joined(separator: "\n")
        #expect(!Self.hasForeignControl(plain), "\(plain.debugDescription)")
    }

    @Test func statusAndTheSystemdStatusLine() {
        let outcome = CycleOutcome(
            finishedAt: Self.created, result: .failed, requests: 1, failedRequests: 1,
            error: "the API said: \(Self.title)\(Self.clear)")
        let line = StatusLine.text(activeJobs: 0, outcome: outcome, pendingDeliveries: 0)
        #expect(!Self.hasForeignControl(line), "\(line.debugDescription)")
        let report = DaemonStatusReport(
            database: "/tmp/x.sqlite3", lock: .stopped,
            stored: StoredDaemonStatus(
                lastCycle: outcome, lastError: outcome, activeJobs: 0, pendingDeliveries: 0, jobs: 0))
        let text = report.text(now: Self.created)
        #expect(!Self.hasForeignControl(text), "\(text.debugDescription)")
    }

    @Test func logLinesShowEscapesAndStayBounded() {
        let line = LineLogHandler.format(
            level: .warning, message: "request failed: \(Self.title)",
            metadata: ["body": "\(Self.clipboard)\(String(repeating: "y", count: 10_000))"], label: "ftd",
            style: .journal, time: Date(timeIntervalSince1970: 0))
        #expect(!line.dropLast().unicodeScalars.contains { TerminalSanitizer.Kind($0) != .plain })
        #expect(line.contains("\\x1b]0;pwned\\x07"))
        #expect(line.count < 2 * LineLogHandler.maxTextLength + 200)
        #expect(line.contains("more characters)"))
    }

    @Test func tryShowsTheModelAndTheAPIsErrorInertly() {
        let answers = [
            TryAnswer(
                model: "ft:gpt-4o-mini:\(Self.title)\(Self.clear)x", role: "fine-tuned",
                completion: ChatCompletion(content: "fine \(Self.clipboard)"), error: nil, latency: 1),
            TryAnswer(
                model: "gpt-4o-mini", role: "compared", completion: nil,
                error: APIError(
                    kind: .http(status: 400), message: "bad model \(Self.clear)\r\(Self.esc)[K",
                    endpoint: "POST /chat/completions"
                ).description,
                latency: 1),
        ]
        for width in [120, 40] {
            let text = TryView.render(
                question: "hi \(Self.title)", answers: answers, width: width, color: true)
            #expect(!Self.hasForeignControl(text), "\(text.debugDescription)")
        }
    }
}
