import Foundation

/// One message of a chat completion request.
public struct ChatMessage: Sendable, Equatable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    package var json: JSONValue { .object(["role": .string(role), "content": .string(content)]) }
}

/// What `POST /chat/completions` answered: the first choice and the usage.
public struct ChatCompletion: Sendable, Equatable {
    /// The model that answered, as the API names it.
    public var model: String?
    /// nil when the model answered with a refusal or tool calls only.
    public var content: String?
    public var refusal: String?
    public var finishReason: String?
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var totalTokens: Int?

    public init(
        model: String? = nil, content: String?, refusal: String? = nil, finishReason: String? = nil,
        promptTokens: Int? = nil, completionTokens: Int? = nil, totalTokens: Int? = nil
    ) {
        self.model = model
        self.content = content
        self.refusal = refusal
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
    }

    public init(body: Data) throws(APIDecodingError) {
        let reader = try JSONObjectReader(try JSONValue.parseBody(body), what: "chat completion")
        guard let first = reader.value("choices")?.arrayValue?.first else {
            throw APIDecodingError("chat completion: no choices in the answer")
        }
        let choice = try JSONObjectReader(first, what: "choice")
        let message = try choice.value("message").map { (value) throws(APIDecodingError) in
            try JSONObjectReader(value, what: "message")
        }
        let usage = reader.value("usage").flatMap { try? JSONObjectReader($0, what: "usage") }
        self.init(
            model: reader.string("model"), content: message?.text("content"),
            refusal: message?.string("refusal"),
            finishReason: choice.string("finish_reason"), promptTokens: usage?.int("prompt_tokens"),
            completionTokens: usage?.int("completion_tokens"), totalTokens: usage?.int("total_tokens"))
    }
}
