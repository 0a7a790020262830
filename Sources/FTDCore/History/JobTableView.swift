/// `ftd history`: one aligned row per job. When the terminal is too narrow for every
/// column on one line, the model and fine-tuned model move to a second, indented line,
/// so the full job id is never cut.
public enum JobTableView {
    static let gap = "  "
    static let minModelWidth = 14
    static let minFineTunedWidth = 20

    public static func render(
        _ jobs: [JobSummary], options: HistoryRenderOptions, statusFilter: String? = nil
    ) -> String {
        guard !jobs.isEmpty else { return emptyHint(statusFilter: statusFilter) }
        let rows = jobs.map { cells(for: $0, now: options.now) }
        let header = Cells(
            id: "JOB ID", status: "STATUS", model: "MODEL", created: "CREATED", duration: "DURATION",
            steps: "STEPS", loss: "LOSS", fineTuned: "FINE-TUNED MODEL")
        let widths = Widths(measuring: [header] + rows)

        if let layout = widths.singleLine(fitting: options.width) {
            var header = header
            if layout.fineTuned < header.fineTuned.count { header.fineTuned = "FINE-TUNED" }
            let lines =
                [header.line(layout, status: nil, color: false)]
                + zip(rows, jobs).map { $0.line(layout, status: $1.status, color: options.color) }
            return lines.joined(separator: "\n") + "\n"
        }
        let layout = widths.twoLine(fitting: options.width)
        var lines = [header.firstLine(layout, status: nil, color: false), "  MODEL → FINE-TUNED MODEL"]
        for (row, job) in zip(rows, jobs) {
            lines.append(row.firstLine(layout, status: job.status, color: options.color))
            lines.append(row.secondLine(width: options.width))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func emptyHint(statusFilter: String?) -> String {
        if let statusFilter {
            return "No stored job has status \(statusFilter). Run `ftd history` to see them all.\n"
        }
        return """
            No jobs recorded yet. Run `ftd run --once` to poll the API once, or `ftd demo`
            to watch ftd follow jobs on the local simulator.

            """
    }

    static func cells(for job: JobSummary, now: Int64) -> Cells {
        var duration = "-"
        if let created = job.createdAt {
            if let finished = job.finishedAt {
                duration = TerminalText.duration(finished - created)
            } else if !JobStatus.isTerminal(job.status) {
                duration = TerminalText.duration(now - created)
            }
        }
        return Cells(
            id: job.id, status: job.status, model: job.model ?? "-",
            created: job.createdAt.map { TerminalText.relative($0, now: now) } ?? "-",
            duration: duration, steps: job.steps > 0 ? String(job.steps) : "-",
            loss: job.lastTrainLoss.map(TerminalText.loss) ?? "-", fineTuned: job.fineTunedModel ?? "-")
    }
}

extension JobTableView {
    struct Cells {
        var id, status, model, created, duration, steps, loss, fineTuned: String

        func line(_ w: Widths, status: String?, color: Bool) -> String {
            let parts = [
                TerminalText.padRight(id, w.id),
                paintedStatus(width: w.status, status: status, color: color),
                TerminalText.padRight(TerminalText.elideEnd(model, w.model), w.model),
                TerminalText.padRight(created, w.created),
                TerminalText.padLeft(duration, w.duration),
                TerminalText.padLeft(steps, w.steps),
                TerminalText.padRight(loss, w.loss),
                TerminalText.elideMiddle(fineTuned, w.fineTuned),
            ]
            return trimmed(parts.joined(separator: gap))
        }

        func firstLine(_ w: Widths, status: String?, color: Bool) -> String {
            let parts = [
                TerminalText.padRight(id, w.id),
                paintedStatus(width: w.status, status: status, color: color),
                TerminalText.padRight(created, w.created),
                TerminalText.padLeft(duration, w.duration),
                TerminalText.padLeft(steps, w.steps),
                loss,
            ]
            return trimmed(parts.joined(separator: w.separator))
        }

        func secondLine(width: Int) -> String {
            let available = width - 2
            guard fineTuned != "-" else { return "  " + TerminalText.elideEnd(model, available) }
            let arrow = " → "
            let modelWidth = min(
                model.count, max(minModelWidth, available - arrow.count - fineTuned.count))
            let shownModel = TerminalText.elideEnd(model, modelWidth)
            let rest = available - shownModel.count - arrow.count
            return "  " + shownModel + arrow + TerminalText.elideMiddle(fineTuned, max(rest, 1))
        }

        private func paintedStatus(width: Int, status: String?, color: Bool) -> String {
            let text = TerminalText.padRight(TerminalText.elideEnd(self.status, width), width)
            guard let status else { return text }
            return StatusStyle.paint(text, status: status, color: color)
        }

        /// Padding after the last column is noise in a terminal and in tests.
        private func trimmed(_ line: String) -> String {
            var line = line
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    struct Widths {
        var id, status, model, created, duration, steps, loss, fineTuned: Int
        var separator = gap

        init(measuring rows: [Cells]) {
            id = rows.map(\.id.count).max() ?? 0
            status = rows.map(\.status.count).max() ?? 0
            model = rows.map(\.model.count).max() ?? 0
            created = rows.map(\.created.count).max() ?? 0
            duration = rows.map(\.duration.count).max() ?? 0
            steps = rows.map(\.steps.count).max() ?? 0
            loss = rows.map(\.loss.count).max() ?? 0
            fineTuned = rows.map(\.fineTuned.count).max() ?? 0
        }

        /// Every column on one line, the model columns shrunk if need be, or nil.
        func singleLine(fitting width: Int) -> Widths? {
            let fixed = id + status + created + duration + steps + loss + 7 * gap.count
            let available = width - fixed
            if available >= model + fineTuned { return self }
            guard available >= minModelWidth + minFineTunedWidth else { return nil }
            var layout = self
            let fineTunedWanted = min(fineTuned, available - minModelWidth)
            layout.model = min(model, available - fineTunedWanted)
            layout.fineTuned = available - layout.model
            return layout
        }

        /// The first line of the two-line layout, tightened until it fits if it can.
        func twoLine(fitting width: Int) -> Widths {
            var layout = self
            let cells = id + status + created + duration + steps + loss
            if cells + 5 * gap.count > width { layout.separator = " " }
            let overflow = cells + 5 * layout.separator.count - width
            if overflow > 0 { layout.status = max(4, status - overflow) }
            return layout
        }
    }
}
