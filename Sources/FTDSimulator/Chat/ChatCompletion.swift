/// One answer to a `ChatRequest`: the text, why it stopped and what it cost.
struct ChatCompletion: Sendable, Equatable {
    let content: String
    /// `stop`, or `length` when `max_completion_tokens` cut the answer.
    let finishReason: String
    let promptTokens: Int
    let completionTokens: Int

    init(request: ChatRequest, voice: ChatVoice) {
        var content = voice.answer(to: request.question)
        var finishReason = "stop"
        if let limit = request.maxTokens, Self.tokens(in: content) > limit {
            content = String(content.unicodeScalars.prefix(limit * Self.charactersPerToken))
            finishReason = "length"
        }
        self.content = content
        self.finishReason = finishReason
        // Each message also costs a few tokens of framing, and the reply is primed with three.
        self.promptTokens = request.messages.reduce(3) { $0 + 4 + Self.tokens(in: $1.text) }
        self.completionTokens = max(1, Self.tokens(in: content))
    }

    static let charactersPerToken = 4

    /// A rough estimate (English text averages about four characters a token), rounded up.
    static func tokens(in text: String) -> Int {
        (text.unicodeScalars.count + charactersPerToken - 1) / charactersPerToken
    }
}
