import FTDModel

/// The checks the fine-tuning API makes of one chat-format example
/// (`{"messages": [{"role": …, "content": …}, …]}`), as messages for a person: each says
/// what is wrong and what is expected.
public enum TrainingExampleRules {
    public static let exampleKeys = ["messages", "tools", "parallel_tool_calls", "functions"]
    public static let messageKeys = [
        "role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "refusal",
    ]
    /// `function` is deprecated (tools replaced functions) but still accepted.
    public static let roles = ["system", "developer", "user", "assistant", "tool", "function"]

    /// Every problem of `example`, in the order a reader meets them; empty when it is fine.
    public static func problems(in example: JSONValue) -> [String] {
        guard case .object(let fields) = example else {
            return ["\(example.kindName), not an object: \(shape)"]
        }
        var problems: [String] = []
        let legacy = fields["prompt"] != nil || fields["completion"] != nil
        if legacy {
            problems.append(
                "\"prompt\"/\"completion\" is the legacy format: chat models take \(shape)")
        }
        for key in fields.keys.sorted() where !exampleKeys.contains(key) {
            if legacy, key == "prompt" || key == "completion" { continue }
            problems.append("unknown key \"\(key)\" (an example has \(exampleKeys.joined(separator: ", ")))")
        }
        guard let messages = fields["messages"] else {
            if !legacy { problems.append("missing \"messages\": each example is \(shape)") }
            return problems
        }
        guard case .array(let list) = messages else {
            problems.append(
                "\"messages\" must be an array of messages, not \(messages.kindName)")
            return problems
        }
        guard !list.isEmpty else {
            problems.append(
                "\"messages\" is empty: each example needs at least one message from the assistant")
            return problems
        }
        for (index, message) in list.enumerated() {
            problems += Self.problems(inMessage: message, number: index + 1)
        }
        if !list.contains(where: { $0["role"]?.stringValue == "assistant" }) {
            problems.append(
                "no assistant message: the model learns from the assistant's messages, so each example needs at least one"
            )
        }
        return problems
    }

    static let shape = #"{"messages": [{"role": "…", "content": "…"}, …]}"#

    static func problems(inMessage message: JSONValue, number: Int) -> [String] {
        guard case .object(let fields) = message else {
            return [
                "message \(number) is \(message.kindName), not an object {\"role\": …, \"content\": …}"
            ]
        }
        var problems: [String] = []
        let role = fields["role"]?.stringValue
        let label = role.map { "message \(number) (\($0))" } ?? "message \(number)"
        switch fields["role"] {
        case nil:
            problems.append("message \(number): missing \"role\" (one of \(roles.joined(separator: ", ")))")
        case .string(let role) where !roles.contains(role):
            problems.append(
                "message \(number): unknown role \"\(role)\" (known: \(roles.joined(separator: ", ")))")
        case .string:
            break
        case let other?:
            problems.append(
                "message \(number): \"role\" must be a string, not \(other.kindName)")
        }
        for key in fields.keys.sorted() where !messageKeys.contains(key) {
            problems.append(
                "\(label): unknown key \"\(key)\" (a message has \(messageKeys.joined(separator: ", ")))")
        }
        let callsTool = [fields["tool_calls"], fields["function_call"]].contains {
            $0.map { !$0.isNull } ?? false
        }
        if let problem = contentProblem(fields["content"], role: role, callsTool: callsTool) {
            problems.append("\(label): \(problem)")
        }
        if let weight = fields["weight"] {
            if role != "assistant" {
                problems.append("\(label): \"weight\" is only allowed on assistant messages")
            } else if weight != .int(0), weight != .int(1) {
                problems.append("\(label): \"weight\" must be 0 or 1, not \(shown(weight))")
            }
        }
        return problems
    }

    /// `content` is a string or an array of content parts; it may be absent or null only
    /// when an assistant message calls a tool or function instead.
    static func contentProblem(_ content: JSONValue?, role: String?, callsTool: Bool) -> String? {
        let mayBeEmpty = role == "assistant" && callsTool
        switch content {
        case nil:
            return mayBeEmpty ? nil : "missing \"content\""
        case .null?:
            return mayBeEmpty
                ? nil
                : "\"content\" is null; only an assistant message with tool_calls or function_call may leave it null"
        case .string(let text)?:
            return text.isEmpty && !mayBeEmpty ? "\"content\" is empty" : nil
        case .array(let parts)?:
            if parts.isEmpty { return mayBeEmpty ? nil : "\"content\" is empty" }
            for (index, part) in parts.enumerated() {
                if let problem = partProblem(part, role: role) {
                    return "content part \(index + 1): \(problem)"
                }
            }
            return nil
        case let other?:
            return
                "\"content\" must be a string or an array of content parts, not \(other.kindName)"
        }
    }

    static let textPart = #"{"type": "text", "text": "…"}"#

    static func partProblem(_ part: JSONValue, role: String?) -> String? {
        switch part["type"] {
        case .string("text")?:
            return part["text"]?.stringValue == nil ? "\"text\" must be a string: \(textPart)" : nil
        // Vision fine-tuning: images in user messages.
        case .string("image_url")? where role == "user":
            return part["image_url"]?["url"]?.stringValue == nil
                ? #"an image part is {"type": "image_url", "image_url": {"url": "…"}}"# : nil
        case .string(let type)?:
            return "type \"\(type)\" is not allowed here; expected \(textPart)"
        default:
            return "expected \(textPart)"
        }
    }

    static func shown(_ value: JSONValue) -> String {
        switch value {
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return "\"\(text)\""
        default: return value.kindName
        }
    }
}
