/// A format error in one example of a chat-format fine-tuning file.
struct ChatFormatProblem: Sendable, Equatable, CustomStringConvertible {
    /// 1-based, counting examples (non-blank lines).
    let example: Int
    /// 1-based index in the example's `messages`; nil when the example as a whole is wrong.
    let message: Int?
    let reason: String

    /// As the API words it after "Invalid file format. ": `Example 3, message 2: ...`.
    var description: String {
        let place = message.map { "Example \(example), message \($0)" } ?? "Example \(example)"
        return "\(place): \(reason)."
    }
}

/// The checks the fine-tuning API runs on a chat-format file while a job validates it:
/// every example needs a non-empty `messages` list of known roles with text content,
/// at least one assistant message, and `weight` (when given) of 0 or 1.
enum ChatFormatCheck {
    static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]

    /// The first problem of the file, or nil when every example is well formed.
    static func firstProblem(in content: [UInt8]) -> ChatFormatProblem? {
        for (index, line) in JSONLines.lines(of: content).enumerated() {
            if let problem = problem(in: line.json, example: index + 1) { return problem }
        }
        return nil
    }

    static func problem(in example: SimJSON?, example number: Int) -> ChatFormatProblem? {
        func fail(_ reason: String, message: Int? = nil) -> ChatFormatProblem {
            ChatFormatProblem(example: number, message: message, reason: reason)
        }
        guard case .object? = example else { return fail("not a JSON object") }
        guard let messages = example?["messages"]?.arrayValue else { return fail("missing 'messages' list") }
        guard !messages.isEmpty else { return fail("'messages' is empty") }
        for (index, message) in messages.enumerated() {
            if let reason = problem(in: message) { return fail(reason, message: index + 1) }
        }
        guard messages.contains(where: { $0["role"] == .string("assistant") }) else {
            return fail("no assistant message")
        }
        return nil
    }

    private static func problem(in message: SimJSON) -> String? {
        guard case .object = message else { return "not a JSON object" }
        guard let role = message["role"]?.stringValue else { return "missing 'role'" }
        guard roles.contains(role) else {
            return "unrecognized role '\(role)' (expected one of \(roles.sorted().joined(separator: ", ")))"
        }
        if let reason = contentProblem(message["content"], message: message) { return reason }
        if let weight = message["weight"], weight.doubleValue != 0, weight.doubleValue != 1 {
            return "'weight' must be 0 or 1"
        }
        return nil
    }

    /// Text, or a list of typed content parts; an assistant calling a tool may leave it out.
    private static func contentProblem(_ content: SimJSON?, message: SimJSON) -> String? {
        switch content {
        case .string?: return nil
        case .array(let parts)?:
            let typed = parts.allSatisfy { $0["type"]?.stringValue != nil }
            return typed ? nil : "'content' parts must be objects with a 'type'"
        case nil, .null?:
            let callsTool = message["tool_calls"] != nil || message["function_call"] != nil
            return callsTool ? nil : "missing 'content'"
        default:
            return "'content' must be a string"
        }
    }
}

extension JobFailure {
    /// A job whose training (or validation) file has a format error, as the API reports it.
    static func invalidFile(_ problem: ChatFormatProblem, param: String) -> JobFailure {
        let isTraining = param == "training_file"
        return JobFailure(
            code: isTraining ? "invalid_training_file" : "invalid_validation_file",
            message:
                "The job failed due to a file format error in the \(isTraining ? "training" : "validation") file. Invalid file format. \(problem)",
            param: param
        )
    }
}
