import FTDTrainingFile

/// The report of `ftd validate` as a person reads it: the problems first, one
/// `FILE:LINE: message` a line as a compiler prints them, then the figures, with every
/// estimate marked `~` and the method said once.
public enum TrainingFileReportView {
    public static func render(_ report: TrainingFileReport, color: Bool = false, width: Int = 80) -> String {
        let style = Style(color: color)
        var output = ""
        for summary in [report.training] + (report.validation.map { [$0] } ?? []) {
            output += problemLines(summary, style: style)
        }
        if report.problemCount > 0 { output += "\n" }
        output += fileFigures(report.training, heading: "training file", model: report.model, style: style)
        if let validation = report.validation {
            output += fileFigures(validation, heading: "validation file", model: report.model, style: style)
        }
        output += jobFigures(report, style: style)
        output += "\n" + wrap("~ estimates: " + TokenEstimate.method + ".", width: width) + "\n"
        output += wrap("default epochs: " + DefaultEpochs.rule + ".", width: width) + "\n"
        if report.isValid {
            output += style.green("ready to upload") + "\n"
        }
        return output
    }

    /// The problems of one file, the omitted ones counted before the whole-file ones.
    public static func problemLines(_ summary: TrainingFileSummary, color: Bool) -> String {
        problemLines(summary, style: Style(color: color))
    }

    static func problemLines(_ summary: TrainingFileSummary, style: Style) -> String {
        var output = ""
        let lineProblems = summary.problems.filter { $0.line != nil }
        for problem in lineProblems { output += line(problem, style: style) }
        if summary.omittedProblems > 0 {
            output += line(
                TrainingFileProblem(
                    file: summary.file, line: nil,
                    message:
                        "… and \(grouped(summary.omittedProblems)) more (\(grouped(summary.problemCount)) problems in all)"
                ), style: style)
        }
        for problem in summary.problems where problem.line == nil { output += line(problem, style: style) }
        return output
    }

    private static func line(_ problem: TrainingFileProblem, style: Style) -> String {
        let place = problem.line.map { "\(problem.file):\($0):" } ?? "\(problem.file):"
        return style.bold(place) + " " + problem.message + "\n"
    }

    private static func fileFigures(
        _ summary: TrainingFileSummary, heading: String, model: ModelContext, style: Style
    ) -> String {
        let tokens = summary.tokens
        var rows = [
            ("examples", grouped(summary.examples)),
            (
                "problems",
                summary.problemCount == 0
                    ? "none" : style.red(grouped(summary.problemCount)) + " (listed above)"
            ),
        ]
        if let minimum = tokens.minimum, let mean = tokens.mean, let maximum = tokens.maximum {
            rows.append(
                (
                    "tokens per example",
                    "~\(grouped(minimum)) min, ~\(grouped(mean)) mean, ~\(grouped(maximum)) max"
                ))
            rows.append(("tokens in all", "~" + grouped(tokens.total)))
            let context = grouped(tokens.contextLength)
            if tokens.overContext == 0 {
                rows.append(("over the context", "none over \(context) tokens"))
            } else {
                let lines = tokens.overContextLines.map(String.init).joined(separator: ", ")
                let more = tokens.overContext > tokens.overContextLines.count ? ", …" : ""
                rows.append(
                    (
                        "over the context",
                        style.yellow("~\(grouped(tokens.overContext)) over \(context) tokens")
                            + " (lines \(lines)\(more)): training truncates them"
                    ))
            }
        }
        return style.bold(heading) + " " + summary.file + "\n" + table(rows)
    }

    private static func jobFigures(_ report: TrainingFileReport, style: Style) -> String {
        let model = report.model
        var context = "\(grouped(model.contextLength)) tokens of each example"
        if !model.isKnown { context += " (assumed: ftd does not know \"\(model.model)\"; pass --model)" }
        let rows = [
            ("training context", context),
            (
                "default epochs",
                "\(report.epochs) (OpenAI's rule for \(grouped(report.training.examples)) examples, below)"
            ),
            (
                "billed tokens",
                "~\(grouped(report.billedTokens)) (~\(grouped(report.training.tokens.billedPerEpoch)) per epoch × \(report.epochs))"
            ),
        ]
        return style.bold("job on") + " " + (model.snapshot ?? model.model) + "\n" + table(rows)
    }

    /// Every table's values start in one column: the longest label is "tokens per example".
    private static func table(_ rows: [(String, String)]) -> String {
        rows.map { "  " + TerminalText.padRight($0.0, 18) + "  " + $0.1 + "\n" }.joined()
    }

    /// `25000` as `25,000`.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var output = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { output += "," }
            output.append(digit)
        }
        return (number < 0 ? "-" : "") + output
    }

    /// Breaks a paragraph at spaces so that no line is longer than `width` (a word longer
    /// than that stays whole).
    static func wrap(_ text: String, width: Int) -> String {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines.joined(separator: "\n")
    }

    struct Style {
        var color: Bool

        func bold(_ text: String) -> String { paint(text, "1") }
        func red(_ text: String) -> String { paint(text, "31") }
        func green(_ text: String) -> String { paint(text, "32") }
        func yellow(_ text: String) -> String { paint(text, "33") }

        private func paint(_ text: String, _ code: String) -> String {
            color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
        }
    }
}
