import FTDModel
import FTDStore

/// `ftd history`: one aligned row per job. When the terminal is too narrow for every
/// column on one line, the model and fine-tuned model move to a second, indented line,
/// so the full job id is never cut.
///
/// With `accounts`, an ACCOUNT column comes first (SPEC section 8: the caller asks for it
/// when the database holds jobs of more than one account). In the two-line layout it
/// leads the second line instead, so the first line is as wide as without it.
///
/// COST is the job's training cost (SPEC section 10) as `options.prices` works it out:
/// `$12.34`, `~$1.20` for `ftd submit`'s estimate while the job runs, `-` when unknown.
/// It follows LOSS on one line; in the two-line layout it starts the second line (after
/// the account), so the first line is as wide as without it.
public enum JobTableView {
    static let gap = "  "
    static let minModelWidth = 14
    static let minFineTunedWidth = 20

    public static func render(
        _ jobs: [JobSummary], options: HistoryRenderOptions, statusFilter: String? = nil,
        accountFilter: String? = nil, accounts: Bool = false
    ) -> String {
        guard !jobs.isEmpty else {
            return emptyHint(statusFilter: statusFilter, accountFilter: accountFilter)
        }
        let rows = jobs.map { cells(for: $0, now: options.now, prices: options.prices, account: accounts) }
        let header = Cells(
            account: accounts ? "ACCOUNT" : nil, id: "JOB ID", status: "STATUS", model: "MODEL",
            created: "CREATED", duration: "DURATION", steps: "STEPS", loss: "LOSS", cost: "COST",
            fineTuned: "FINE-TUNED MODEL")
        var widths = Widths(measuring: rows)
        widths.widen(toFit: header)
        // UTF-8 bytes appended in place, one string at the end: 10,000 jobs make 20,000
        // lines, and building them as strings was most of ftd history's time.
        var out = TextBuffer(capacity: (rows.count + 2) * 2 * (min(options.width, 240) + 1))

        if let layout = widths.singleLine(fitting: options.width) {
            var header = header
            if layout.fineTuned < TerminalText.width(header.fineTuned) { header.fineTuned = "FINE-TUNED" }
            header.appendLine(to: &out, layout, status: nil, color: false)
            for (row, job) in zip(rows, jobs) {
                row.appendLine(to: &out, layout, status: job.status, color: options.color)
            }
            return out.text
        }
        let layout = widths.twoLine(fitting: options.width)
        header.appendFirstLine(to: &out, layout, status: nil, color: false)
        out.append("  ")
        if let account = header.account { out.append(account, padRight: layout.account + gap.count) }
        out.append(header.cost, padRight: layout.cost + gap.count)
        out.append("MODEL → FINE-TUNED MODEL")
        out.endLine(from: 0)
        for (row, job) in zip(rows, jobs) {
            row.appendFirstLine(to: &out, layout, status: job.status, color: options.color)
            row.appendSecondLine(
                to: &out, width: options.width, accountWidth: layout.account, costWidth: layout.cost)
        }
        return out.text
    }

    /// Text as UTF-8 bytes, with the padding the table's columns need.
    struct TextBuffer {
        private(set) var bytes: [UInt8] = []

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        var count: Int { bytes.count }
        var text: String { String(decoding: bytes, as: UTF8.self) }

        mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

        mutating func spaces(_ count: Int) {
            if count > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count)) }
        }

        /// `text` and the spaces that make it `width` characters wide.
        mutating func append(_ text: String, padRight width: Int) {
            append(text)
            spaces(width - TerminalText.width(text))
        }

        mutating func append(_ text: String, padLeft width: Int) {
            spaces(width - TerminalText.width(text))
            append(text)
        }

        /// Ends the line begun at byte `start`: padding after the last column is noise in
        /// a terminal and in tests.
        mutating func endLine(from start: Int) {
            while bytes.count > start, bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
            bytes.append(UInt8(ascii: "\n"))
        }
    }

    static func emptyHint(statusFilter: String?, accountFilter: String? = nil) -> String {
        let filtered: String? =
            switch (
                statusFilter.map { TerminalSanitizer.clean($0) },
                accountFilter.map { TerminalSanitizer.clean($0) }
            ) {
            case (let status?, let account?): "No stored job of account \(account) has status \(status)."
            case (let status?, nil): "No stored job has status \(status)."
            case (nil, let account?): "No stored job belongs to account \(account)."
            case (nil, nil): nil
            }
        if let filtered { return filtered + " Run `ftd history` to see them all.\n" }
        return """
            No jobs recorded yet. Run `ftd run --once` to poll the API once, or `ftd demo`
            to watch ftd follow jobs on the local simulator.

            """
    }

    static func cells(for job: JobSummary, now: Int64, prices: PriceBook = PriceBook(), account: Bool = false)
        -> Cells
    {
        var duration = "-"
        if let created = job.createdAt {
            if let finished = job.finishedAt {
                duration = TerminalText.duration(UnixTime.seconds(from: created, to: finished))
            } else if !JobStatus.isTerminal(job.status) {
                duration = TerminalText.duration(UnixTime.seconds(from: created, to: now))
            }
        }
        // API text, made safe before it is measured and elided.
        let clean = { (text: String) in TerminalSanitizer.clean(text) }
        return Cells(
            account: account ? clean(job.account) : nil, id: clean(job.id), status: clean(job.status),
            model: job.model.map(clean) ?? "-",
            created: job.createdAt.map { TerminalText.relative($0, now: now) } ?? "-",
            duration: duration, steps: job.steps > 0 ? String(job.steps) : "-",
            loss: job.lastTrainLoss.map(TerminalText.loss) ?? "-",
            cost: TerminalText.cost(prices.cost(of: job)),
            fineTuned: job.fineTunedModel.map(clean) ?? "-")
    }
}

extension JobTableView {
    struct Cells {
        /// Nil when the table has no ACCOUNT column.
        var account: String?
        var id, status, model, created, duration, steps, loss, cost, fineTuned: String

        func appendLine(to out: inout TextBuffer, _ w: Widths, status: String?, color: Bool) {
            let start = out.count
            if let account {
                out.append(TerminalText.elideEnd(account, w.account), padRight: w.account)
                out.append(gap)
            }
            out.append(id, padRight: w.id)
            out.append(gap)
            appendStatus(to: &out, width: w.status, status: status, color: color)
            out.append(gap)
            out.append(TerminalText.elideEnd(model, w.model), padRight: w.model)
            out.append(gap)
            out.append(created, padRight: w.created)
            out.append(gap)
            out.append(duration, padLeft: w.duration)
            out.append(gap)
            out.append(steps, padLeft: w.steps)
            out.append(gap)
            out.append(loss, padRight: w.loss)
            out.append(gap)
            out.append(cost, padLeft: w.cost)
            out.append(gap)
            out.append(TerminalText.elideMiddle(fineTuned, w.fineTuned))
            out.endLine(from: start)
        }

        func appendFirstLine(to out: inout TextBuffer, _ w: Widths, status: String?, color: Bool) {
            let start = out.count
            out.append(id, padRight: w.id)
            out.append(w.separator)
            appendStatus(to: &out, width: w.status, status: status, color: color)
            out.append(w.separator)
            out.append(created, padRight: w.created)
            out.append(w.separator)
            out.append(duration, padLeft: w.duration)
            out.append(w.separator)
            out.append(steps, padLeft: w.steps)
            out.append(w.separator)
            out.append(loss)
            out.endLine(from: start)
        }

        /// The cost, then the model and fine-tuned model, after the account when the table
        /// shows it.
        func appendSecondLine(to out: inout TextBuffer, width: Int, accountWidth: Int = 0, costWidth: Int) {
            let start = out.count
            out.append("  ")
            if let account {
                out.append(TerminalText.elideEnd(account, accountWidth), padRight: accountWidth)
                out.append(gap)
            }
            out.append(cost, padLeft: costWidth)
            out.append(gap)
            let available =
                width - 2 - (account == nil ? 0 : accountWidth + gap.count) - costWidth - gap.count
            if fineTuned == "-" {
                out.append(TerminalText.elideEnd(model, available))
                return out.endLine(from: start)
            }
            let arrow = " → "
            let modelWidth = min(
                TerminalText.width(model),
                max(minModelWidth, available - arrow.count - TerminalText.width(fineTuned)))
            let shownModel = TerminalText.elideEnd(model, modelWidth)
            let rest = available - TerminalText.width(shownModel) - arrow.count
            out.append(shownModel)
            out.append(arrow)
            out.append(TerminalText.elideMiddle(fineTuned, max(rest, 1)))
            out.endLine(from: start)
        }

        private func appendStatus(to out: inout TextBuffer, width: Int, status: String?, color: Bool) {
            let shown = TerminalText.elideEnd(self.status, width)
            guard let status, color else { return out.append(shown, padRight: width) }
            out.append(StatusStyle.paint(TerminalText.padRight(shown, width), status: status, color: true))
        }
    }

    struct Widths {
        /// 0 without an ACCOUNT column.
        var account = 0
        var id, status, model, created, duration, steps, loss, cost, fineTuned: Int
        var separator = gap
        /// Account names are at most 32 characters (SPEC section 8); a longer one, from a
        /// database written by something else, is cut rather than widen every row.
        static let maxAccountWidth = 32

        init(measuring rows: [Cells]) {
            (id, status, model, created, duration, steps, loss, cost, fineTuned) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
            for row in rows { widen(toFit: row) }
        }

        mutating func widen(toFit row: Cells) {
            if let name = row.account {
                account = min(max(account, TerminalText.width(name)), Self.maxAccountWidth)
            }
            id = max(id, TerminalText.width(row.id))
            status = max(status, TerminalText.width(row.status))
            model = max(model, TerminalText.width(row.model))
            created = max(created, TerminalText.width(row.created))
            duration = max(duration, TerminalText.width(row.duration))
            steps = max(steps, TerminalText.width(row.steps))
            loss = max(loss, TerminalText.width(row.loss))
            cost = max(cost, TerminalText.width(row.cost))
            fineTuned = max(fineTuned, TerminalText.width(row.fineTuned))
        }

        /// Every column on one line, the model columns shrunk if need be, or nil.
        func singleLine(fitting width: Int) -> Widths? {
            let accountColumn = account > 0 ? account + gap.count : 0
            let fixed = accountColumn + id + status + created + duration + steps + loss + cost + 8 * gap.count
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
