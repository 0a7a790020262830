import FTDModel

/// How `ftd demo` prints: plain text, with ANSI colour when the terminal takes it.
struct DemoStyle {
    var color: Bool

    func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { color ? "\u{1B}[2m\(text)\u{1B}[0m" : text }

    func status(_ status: String, text: String? = nil) -> String {
        let text = text ?? status
        guard color else { return text }
        let code: String
        switch status {
        case "succeeded": code = "32"
        case "failed": code = "31"
        case "cancelled": code = "2"
        default: code = "33"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    func transition(_ transition: Transition, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let time = dim("[\(String(format: "%5.1f", seconds)) s]")
        let from = transition.from.map { status($0) } ?? dim("new job")
        return "\(time) \(transition.jobID)  \(from) → \(status(transition.to))\n"
    }

    /// `[ 31.0 s] ftjob-…  alert stalled: running with no new event for 31 s (…)`
    func alert(_ alert: JobAlert, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let time = dim("[\(String(format: "%5.1f", seconds)) s]")
        return "\(time) \(alert.jobID)  \(status("failed", text: "alert \(alert.kind.rawValue)")): "
            + TerminalSanitizer.clean(alert.detail) + "\n"
    }
}

/// The one progress line of the demo: redrawn in place on a terminal, printed every few
/// steps otherwise so a log stays short.
struct DemoProgress {
    var style: DemoStyle
    var isTTY: Bool
    private var shown = false
    private var lastPrintedStep = -1

    init(style: DemoStyle, isTTY: Bool) {
        self.style = style
        self.isTTY = isTTY
    }

    mutating func show(step: Int, totalSteps: Int?, trainLoss: Double?) {
        let total = totalSteps ?? step
        let loss = trainLoss.map { String(format: "%.3f", $0) } ?? "–"
        let width = 24
        let filled = total > 0 ? min(width, step * width / total) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "         training \(bar) step \(step)/\(total)  train loss \(loss)"
        if isTTY {
            Terminal.write("\r\u{1B}[2K\(line)")
            shown = true
        } else if step >= lastPrintedStep + 25 || step == total {
            Terminal.write(line + "\n")
            lastPrintedStep = step
        }
    }

    /// Clears the in-place line before other output.
    mutating func clear() {
        if shown {
            Terminal.write("\r\u{1B}[2K")
            shown = false
        }
    }
}
