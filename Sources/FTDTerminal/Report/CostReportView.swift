import FTDModel
import FTDStore

/// `ftd report`: one line per account and model with its finished jobs, trained tokens
/// and cost, then the total, and a footnote saying which jobs count and where the prices
/// come from (SPEC section 10). Costs to the cent; a group with no price shows `-`, and
/// the total says how many jobs that leaves out.
public enum CostReportView {
    static let gap = "  "
    static let minModelWidth = 14

    public static func render(_ report: CostReport, width: Int = 80, accountFilter: String? = nil) -> String {
        let scope = accountFilter.map { " of account " + TerminalSanitizer.clean($0) } ?? ""
        let period = report.month.map { "in \(monthName($0)) (UTC)" }
        guard !report.groups.isEmpty else {
            return "No job\(scope) finished \(period ?? "yet") that ftd has recorded.\n"
                + footnote(report, width: width) + "\n"
        }
        let title = "Training cost of the jobs\(scope) that finished " + (period ?? "(all time)")
        let header = ["ACCOUNT", "MODEL", "JOBS", "TRAINED TOKENS", "COST"]
        var rows = report.groups.map { group in
            [
                TerminalSanitizer.clean(group.account),
                group.model.map { TerminalSanitizer.clean($0) } ?? "-",
                TerminalText.grouped(Int64(group.jobs)), TerminalText.grouped(group.trainedTokens),
                group.costUSD.map(TerminalText.dollars) ?? "-",
            ]
        }
        rows.append([
            "total", "", TerminalText.grouped(Int64(report.total.jobs)),
            TerminalText.grouped(report.total.trainedTokens), TerminalText.dollars(report.total.costUSD),
        ])
        var widths = header.map(TerminalText.width)
        for row in rows {
            for (column, cell) in row.enumerated() {
                widths[column] = max(widths[column], TerminalText.width(cell))
            }
        }
        // Names are cut before numbers: the model column gives way to a narrow terminal.
        let others = widths.enumerated().filter { $0.offset != 1 }.map(\.element).reduce(0, +)
        widths[1] = max(minModelWidth, min(widths[1], width - others - 4 * gap.count))
        func line(_ cells: [String]) -> String {
            var text = ""
            for (column, cell) in cells.enumerated() {
                let shown = column < 2 ? TerminalText.elideEnd(cell, widths[column]) : cell
                text += (column == 0 ? "" : gap)
                text +=
                    column < 2
                    ? TerminalText.padRight(shown, widths[column])
                    : TerminalText.padLeft(shown, widths[column])
            }
            return text
        }
        var lines = [title, line(header)] + rows.dropLast().map(line)
        var total = line(rows[rows.count - 1])
        if report.total.unpricedJobs > 0 {
            let jobs = report.total.unpricedJobs
            total +=
                jobs == 1
                ? " (1 job of a model with no price is not included)"
                : " (\(jobs) jobs of models with no price are not included)"
        }
        lines.append(total)
        return lines.map { $0.trimmingTrailingSpaces() }.joined(separator: "\n") + "\n\n"
            + footnote(report, width: width) + "\n"
    }

    /// Which jobs count, which have no tokens to price, and where the prices come from.
    static func footnote(_ report: CostReport, width: Int) -> String {
        var text =
            "Only jobs with a finished_at count, each in the UTC month it finished. Prices: [prices] in the configuration, else OpenAI's list prices read \(TrainingPrices.readOn) (Azure accounts: [prices] only)."
        let without = report.total.jobsWithoutTokens
        if without > 0 {
            text +=
                without == 1
                ? " 1 job finished without trained tokens from the API (failed or cancelled) and adds none."
                : " \(without) jobs finished without trained tokens from the API (failed or cancelled) and add none."
        }
        return TextWrap.lines(text, width: width).joined(separator: "\n")
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// `November 2026`.
    static func monthName(_ month: UTCMonth) -> String { monthNames[month.month - 1] + " \(month.year)" }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
