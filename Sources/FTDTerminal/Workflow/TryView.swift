import FTDModel

/// One model's answer in `ftd try`.
public struct TryAnswer: Sendable, Equatable {
    public var model: String
    /// What the fine-tuned model is shown as: "fine-tuned" or "base".
    public var role: String
    public var completion: ChatCompletion?
    /// Why there is no answer: the request failed after its retries.
    public var error: String?
    /// Seconds from sending the request to the whole answer, retries included.
    public var latency: Double

    public init(model: String, role: String, completion: ChatCompletion?, error: String?, latency: Double) {
        self.model = model
        self.role = role
        self.completion = completion
        self.error = error
        self.latency = latency
    }

    var text: String {
        if let error { return "(no answer: \(TerminalSanitizer.clean(error)))" }
        if let content = completion?.content {
            return TerminalSanitizer.clean(content, keepingLineBreaks: true)
        }
        if let refusal = completion?.refusal { return "(refused: \(TerminalSanitizer.clean(refusal)))" }
        return "(an empty answer)"
    }

    var usageLine: String {
        var parts: [String] = []
        if let prompt = completion?.promptTokens, let answer = completion?.completionTokens {
            parts.append("\(prompt) + \(answer) tokens")
        } else if let total = completion?.totalTokens {
            parts.append("\(total) tokens")
        }
        parts.append(String(format: "%.2f s", latency))
        return parts.joined(separator: " · ")
    }
}

/// `ftd try`: the answers side by side, like the Playground's compare view, or one under
/// the other when the terminal is too narrow for two readable columns.
public enum TryView {
    public static let minimumColumnWidth = 30

    public static func render(question: String, answers: [TryAnswer], width: Int, color: Bool) -> String {
        var lines = ["\(bold("question", color)) \(TerminalSanitizer.clean(question))", ""]
        let columnWidth = (width - 3) / 2
        if answers.count == 2, columnWidth >= minimumColumnWidth {
            lines += sideBySide(answers[0], answers[1], columnWidth: columnWidth, color: color)
        } else {
            for (index, answer) in answers.enumerated() {
                if index > 0 { lines.append("") }
                lines += column(answer, width: max(width, minimumColumnWidth), color: color)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func column(_ answer: TryAnswer, width: Int, color: Bool) -> [String] {
        // The model's name may come from the API (a job's fine-tuned model): cleaned before eliding.
        [
            bold(
                TerminalText.elideMiddle(TerminalSanitizer.clean("\(answer.role): \(answer.model)"), width),
                color)
        ]
            + TextWrap.lines(answer.text, width: width) + [dim(answer.usageLine, color)]
    }

    static func sideBySide(_ left: TryAnswer, _ right: TryAnswer, columnWidth: Int, color: Bool) -> [String] {
        // Padded before painting: escape codes take no columns.
        let plainLeft = column(left, width: columnWidth, color: false)
        let plainRight = column(right, width: columnWidth, color: false)
        let paintedLeft = column(left, width: columnWidth, color: color)
        let paintedRight = column(right, width: columnWidth, color: color)
        var lines: [String] = []
        for row in 0..<max(plainLeft.count, plainRight.count) {
            let leftText = row < plainLeft.count ? paintedLeft[row] : ""
            let padding = columnWidth - (row < plainLeft.count ? plainLeft[row].count : 0)
            let rightText = row < plainRight.count ? paintedRight[row] : ""
            let line = leftText + String(repeating: " ", count: max(padding, 0)) + " │ " + rightText
            lines.append(line.trailingSpacesRemoved)
        }
        return lines
    }

    public static func json(question: String, system: String?, answers: [TryAnswer]) -> JSONValue {
        .object([
            "question": .string(question),
            "system": .optional(system),
            "answers": .array(answers.map(json)),
        ])
    }

    static func json(_ answer: TryAnswer) -> JSONValue {
        let completion = answer.completion
        let members: JSONObject = [
            "role": .string(answer.role),
            "model": .string(answer.model),
            "answered_by": .optional(completion?.model),
            "content": .optional(completion?.content),
            "error": .optional(answer.error),
            "finish_reason": .optional(completion?.finishReason),
            "prompt_tokens": .optional(completion?.promptTokens),
            "completion_tokens": .optional(completion?.completionTokens),
            "total_tokens": .optional(completion?.totalTokens),
            "latency_seconds": .double((answer.latency * 1000).rounded() / 1000),
        ]
        return .object(members)
    }

    static func bold(_ text: String, _ color: Bool) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    static func dim(_ text: String, _ color: Bool) -> String { color ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
}

extension String {
    var trailingSpacesRemoved: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
