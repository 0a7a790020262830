/// A `POST /chat/completions` body, checked the way the API checks it.
struct ChatRequest: Sendable, Equatable {
    struct Message: Sendable, Equatable {
        let role: String
        /// The text of `content`: the string itself, or the text parts of a list joined.
        let text: String
    }

    static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]

    let model: String
    let messages: [Message]
    /// `max_completion_tokens` (or the older `max_tokens`): the answer is cut there.
    let maxTokens: Int?

    init(body: SimJSON) throws(SimulatorAPIError) {
        guard case .object = body else { throw .invalid("The request body must be a JSON object.") }
        guard let model = body["model"]?.stringValue, !model.isEmpty else { throw .missingParameter("model") }
        guard let list = body["messages"], list != .null else { throw .missingParameter("messages") }
        guard let items = list.arrayValue else {
            throw SimulatorAPIError(
                status: 400, message: "Invalid type for 'messages': expected an array of objects.",
                param: "messages", code: "invalid_type")
        }
        guard !items.isEmpty else {
            throw SimulatorAPIError(
                status: 400,
                message:
                    "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                param: "messages", code: "empty_array")
        }
        var messages: [Message] = []
        for (index, item) in items.enumerated() {
            messages.append(try Self.message(item, index: index))
        }
        if body["stream"] == .bool(true) {
            throw .invalid(
                "The simulator does not stream; send \"stream\": false or leave it out.", param: "stream")
        }
        let limit = body["max_completion_tokens"] ?? body["max_tokens"]
        var maxTokens: Int?
        if let limit, limit != .null {
            guard let value = limit.intValue, value >= 1 else {
                throw .invalid(
                    "max_completion_tokens must be an integer of at least 1.", param: "max_completion_tokens")
            }
            maxTokens = Int(value)
        }
        self.model = model
        self.messages = messages
        self.maxTokens = maxTokens
    }

    /// What the model answers: the last user message (the last message when none is a user's).
    var question: String {
        (messages.last { $0.role == "user" } ?? messages.last)?.text ?? ""
    }

    private static func message(_ item: SimJSON, index: Int) throws(SimulatorAPIError) -> Message {
        guard let role = item["role"]?.stringValue else { throw .missingParameter("messages[\(index)].role") }
        guard roles.contains(role) else {
            throw SimulatorAPIError(
                status: 400,
                message:
                    "Invalid value: '\(role)'. Supported values are: \(roles.sorted().map { "'\($0)'" }.joined(separator: ", ")).",
                param: "messages[\(index)].role", code: "invalid_value")
        }
        switch item["content"] {
        case .string(let text)?:
            return Message(role: role, text: text)
        case .array(let parts)?:
            return Message(
                role: role, text: parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n"))
        case nil, .null?:
            return Message(role: role, text: "")
        default:
            throw SimulatorAPIError(
                status: 400,
                message:
                    "Invalid type for 'messages[\(index)].content': expected a string or an array of parts.",
                param: "messages[\(index)].content", code: "invalid_type")
        }
    }
}
