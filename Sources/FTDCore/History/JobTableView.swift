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
        var widths = Widths(measuring: rows)
        widths.widen(toFit: header)
        // One string, appended to in place: 10,000 jobs make 20,000 lines.
        var out = ""
        out.reserveCapacity((rows.count + 2) * 2 * (options.width + 1))

        if let layout = widths.singleLine(fitting: options.width) {
            var header = header
            if layout.fineTuned < header.fineTuned.count { header.fineTuned = "FINE-TUNED" }
            header.appendLine(to: &out, layout, status: nil, color: false)
            for (row, job) in zip(rows, jobs) {
                row.appendLine(to: &out, layout, status: job.status, color: options.color)
            }
            return out
        }
        let layout = widths.twoLine(fitting: options.width)
        header.appendFirstLine(to: &out, layout, status: nil, color: false)
        out += "  MODEL → FINE-TUNED MODEL\n"
        for (row, job) in zip(rows, jobs) {
            row.appendFirstLine(to: &out, layout, status: job.status, color: options.color)
            out += row.secondLine(width: options.width) + "\n"
        }
        return out
    }

    /// `text` and the spaces that make it `width` characters wide.
    static func append(_ text: String, padRight width: Int, to out: inout String) {
        out += text
        let missing = width - text.count
        if missing > 0 { out.append(contentsOf: repeatElement(Character(" "), count: missing)) }
    }

    static func append(_ text: String, padLeft width: Int, to out: inout String) {
        let missing = width - text.count
        if missing > 0 { out.append(contentsOf: repeatElement(Character(" "), count: missing)) }
        out += text
    }

    /// Ends the line begun at `start` (a UTF-8 offset): padding after the last column is
    /// noise in a terminal and in tests.
    static func endLine(_ out: inout String, from start: Int) {
        while out.utf8.count > start, out.utf8.last == UInt8(ascii: " ") { out.removeLast() }
        out += "\n"
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

        func appendLine(to out: inout String, _ w: Widths, status: String?, color: Bool) {
            let start = out.utf8.count
            append(id, padRight: w.id, to: &out)
            out += gap
            appendStatus(to: &out, width: w.status, status: status, color: color)
            out += gap
            append(TerminalText.elideEnd(model, w.model), padRight: w.model, to: &out)
            out += gap
            append(created, padRight: w.created, to: &out)
            out += gap
            append(duration, padLeft: w.duration, to: &out)
            out += gap
            append(steps, padLeft: w.steps, to: &out)
            out += gap
            append(loss, padRight: w.loss, to: &out)
            out += gap
            out += TerminalText.elideMiddle(fineTuned, w.fineTuned)
            endLine(&out, from: start)
        }

        func appendFirstLine(to out: inout String, _ w: Widths, status: String?, color: Bool) {
            let start = out.utf8.count
            append(id, padRight: w.id, to: &out)
            out += w.separator
            appendStatus(to: &out, width: w.status, status: status, color: color)
            out += w.separator
            append(created, padRight: w.created, to: &out)
            out += w.separator
            append(duration, padLeft: w.duration, to: &out)
            out += w.separator
            append(steps, padLeft: w.steps, to: &out)
            out += w.separator
            out += loss
            endLine(&out, from: start)
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

        private func appendStatus(to out: inout String, width: Int, status: String?, color: Bool) {
            let shown = TerminalText.elideEnd(self.status, width)
            guard let status, color else { return append(shown, padRight: width, to: &out) }
            out += StatusStyle.paint(TerminalText.padRight(shown, width), status: status, color: true)
        }
    }

    struct Widths {
        var id, status, model, created, duration, steps, loss, fineTuned: Int
        var separator = gap

        init(measuring rows: [Cells]) {
            (id, status, model, created, duration, steps, loss, fineTuned) = (0, 0, 0, 0, 0, 0, 0, 0)
            for row in rows { widen(toFit: row) }
        }

        mutating func widen(toFit row: Cells) {
            id = max(id, row.id.count)
            status = max(status, row.status.count)
            model = max(model, row.model.count)
            created = max(created, row.created.count)
            duration = max(duration, row.duration.count)
            steps = max(steps, row.steps.count)
            loss = max(loss, row.loss.count)
            fineTuned = max(fineTuned, row.fineTuned.count)
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
