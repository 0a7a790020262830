import FTDModel
import Foundation

/// `ftd watch`: what a terminal shows of one job, redrawn in place on a TTY, or as plain
/// lines (only what changed) otherwise. Pure: tests feed it jobs and times.
public enum WatchView {
    /// What one look at the job gives the view.
    public struct Frame: Sendable {
        public var job: FineTuningJob
        public var steps: [LossStep]
        /// Every stored event of the job, oldest first.
        public var events: [JobEvent]
        public var now: Int64

        public init(job: FineTuningJob, steps: [LossStep], events: [JobEvent], now: Int64) {
            self.job = job
            self.steps = steps
            self.events = events
            self.now = now
        }

        /// Now, on the API's clock: the wall clock, unless the job's own times are ahead of
        /// it (a simulator running faster than real time), so elapsed time never runs back.
        public static func now(
            job: FineTuningJob, events: [JobEvent], wallClock: Int64 = Int64(Date().timeIntervalSince1970)
        ) -> Int64 {
            max(wallClock, events.last?.createdAt ?? 0, job.createdAt ?? 0)
        }

        /// Events that are not a loss step: what a person reads.
        var messages: [JobEvent] { events.filter { StepParser.step(from: $0) == nil } }

        public var progress: WatchProgress? {
            let points = events.compactMap { event in
                StepParser.step(from: event).map { (time: event.createdAt, step: $0.step) }
            }
            let total = steps.last?.totalSteps ?? steps.compactMap(\.totalSteps).last
            var progress = WatchProgress.estimate(
                points: points, totalSteps: total, estimatedFinish: job.estimatedFinish, now: now)
            if job.isTerminal { progress?.secondsLeft = nil }  // nothing is left
            return progress
        }
    }

    /// Messages shown under the progress on a TTY.
    static let recentMessages = 6
    /// The newest events a look reads: enough for the recent messages, the progress
    /// rate's window and everything new since the previous look.
    public static let eventWindow = 500

    /// The block a TTY redraws: header, progress, losses, the latest messages.
    public static func screen(_ frame: Frame, width: Int, color: Bool) -> [String] {
        var lines = [header(frame, color: color)]
        if let progress = frame.progress { lines.append(progressLine(progress, width: width)) }
        lines += lossLines(frame.steps, width: width)
        let messages = frame.messages.suffix(recentMessages)
        if !messages.isEmpty { lines.append("") }
        lines += messages.map { messageLine($0, width: width) }
        if let final = finalLine(frame.job) { lines += ["", final] }
        return lines.map { TerminalText.elideEnd($0, width) }
    }

    /// `ftjob-x  running  gpt-4o-mini → ft:…  elapsed 4m 10s`
    static func header(_ frame: Frame, color: Bool) -> String {
        let job = frame.job
        let clean = { (text: String) in TerminalSanitizer.clean(text) }
        var parts = [clean(job.id), StatusStyle.paint(clean(job.status), status: job.status, color: color)]
        if let model = job.model.map(clean) {
            parts.append(job.fineTunedModel.map { "\(model) → \(clean($0))" } ?? model)
        }
        if let created = job.createdAt {
            let end = job.isTerminal ? (job.finishedAt ?? frame.now) : frame.now
            parts.append(
                (job.isTerminal ? "took " : "elapsed ")
                    + TerminalText.duration(max(0, UnixTime.seconds(from: created, to: end))))
        }
        return parts.joined(separator: "  ")
    }

    /// `[██████░░░░] 120/300 steps  40%  2.0 steps/s  ETA 1m 30s`
    /// - Parameter barWidth: fixed for plain lines, so that they line up; else what the
    ///   terminal leaves beside the figures (10 to 40).
    static func progressLine(_ progress: WatchProgress, width: Int, barWidth fixed: Int? = nil) -> String {
        var tail = ""
        if let total = progress.totalSteps {
            tail += " \(progress.step)/\(total) steps"
            if let fraction = progress.fraction { tail += "  \(Int((fraction * 100).rounded(.down)))%" }
        } else {
            tail += " step \(progress.step)"
        }
        if let rate = progress.rate { tail += "  " + rateText(rate) }
        if let left = progress.secondsLeft {
            tail +=
                "  ETA " + TerminalText.duration(left)
                + (progress.fromEstimatedFinish ? " (API estimate)" : "")
        }
        guard let fraction = progress.fraction else { return tail.trimmingLeadingSpace }
        let barWidth = fixed ?? max(10, min(40, width - tail.count - 2))
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
            + "]" + tail
    }

    static func rateText(_ rate: Double) -> String {
        rate >= 1 ? String(format: "%.1f steps/s", rate) : String(format: "%.1f steps/min", rate * 60)
    }

    /// The latest train and validation loss, each with a sparkline of its curve.
    static func lossLines(_ steps: [LossStep], width: Int) -> [String] {
        var lines: [String] = []
        let train = steps.compactMap(\.trainLoss)
        if let last = train.last {
            lines.append(
                "train loss " + TerminalText.loss(last)
                    + LossChart.sparkline(train, width: max(width - 20, 10)))
        }
        let valid = steps.compactMap { $0.fullValidLoss ?? $0.validLoss }
        if let last = valid.last {
            lines.append(
                "valid loss " + TerminalText.loss(last)
                    + LossChart.sparkline(valid, width: max(width - 20, 10)))
        }
        return lines
    }

    public static func messageLine(_ event: JobEvent, width: Int = 200) -> String {
        let level = event.level == "info" ? "" : "[\(TerminalSanitizer.clean(event.level))] "
        let message = TerminalSanitizer.clean(event.message)
        return TerminalText.elideEnd("  \(TerminalText.clock(event.createdAt))  \(level)\(message)", width)
    }

    /// What the user needs at the end: the model to try, or why the job failed.
    public static func finalLine(_ job: FineTuningJob) -> String? {
        switch job.status {
        case "succeeded":
            return job.fineTunedModel.map {
                TerminalSanitizer.clean("fine-tuned model: \($0)  (try it: ftd try \(job.id) \"…\")")
            }
        case "failed":
            let error = job.error
            let detail = [error?.code, error?.message].compactMap { $0 }.joined(separator: ": ")
            return "failed" + (detail.isEmpty ? "" : ": " + TerminalSanitizer.clean(detail))
        case "cancelled":
            return "cancelled"
        default:
            return nil
        }
    }

    /// Plain lines for a pipe or a log: what is new since `previous` (nil: the first
    /// look) — a status change, new messages, and a progress line each tenth of the way.
    public static func plainLines(_ frame: Frame, previous: Frame?) -> [String] {
        var lines: [String] = []
        if previous?.job.status != frame.job.status { lines.append(header(frame, color: false)) }
        let seen = Set(previous?.events.map(\.id) ?? [])
        let fresh = frame.messages.filter { !seen.contains($0.id) }
        // The first look shows the recent story, not every message since creation.
        let shown = previous == nil ? Array(fresh.suffix(recentMessages)) : fresh
        lines += shown.map { messageLine($0) }
        if let progress = frame.progress, decile(progress) != previous?.progress.flatMap(decile) {
            var line = progressLine(progress, width: 80, barWidth: 20)
            if let loss = frame.steps.last?.trainLoss { line += "  train loss " + TerminalText.loss(loss) }
            lines.append(line)
        }
        if previous?.job.status != frame.job.status, let final = finalLine(frame.job) { lines.append(final) }
        return lines
    }

    private static func decile(_ progress: WatchProgress) -> Int? {
        progress.fraction.map { Int(($0 * 10).rounded(.down)) }
    }
}

extension String {
    var trimmingLeadingSpace: String { String(drop { $0 == " " }) }
}
