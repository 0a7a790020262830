import FTDModel

/// Estimated tokens of a chat-format example, without a tokenizer (none is available
/// offline): every text counts about 4 characters per token, rounded up, and the framing
/// is counted as OpenAI's data-preparation cookbook counts it: 3 tokens per message, 3 per
/// example, 1 more for a `name`. A role is 1 token in OpenAI's tokenizers. JSON values
/// (`tool_calls`, `function_call`, `tools`, `functions`) count as their compact JSON text,
/// and an image as 85 tokens, the least an image costs.
///
/// English prose averages close to 4 characters per token; code, numbers and other
/// scripts take more tokens per character, so there the estimate is low.
public enum TokenEstimate {
    public static let charactersPerToken = 4
    public static let tokensPerMessage = 3
    public static let tokensPerExample = 3
    public static let tokensPerName = 1
    public static let tokensPerRole = 1
    public static let tokensPerImage = 85

    /// The method in one sentence, for reports.
    public static let method =
        "no tokenizer is used: about 4 characters per token, plus 3 tokens per message and 3 per example (OpenAI's cookbook); a rough guide, often within 20% for English prose, low for code, numbers and other scripts"

    /// Characters are Unicode scalars: cheap to count, and the nearest to what a byte-pair
    /// tokenizer sees.
    public static func tokens(inText text: String) -> Int {
        (text.unicodeScalars.count + charactersPerToken - 1) / charactersPerToken
    }

    /// Any example, valid or not: what cannot be read counts nothing.
    public static func tokens(inExample example: JSONValue) -> Int {
        var total = tokensPerExample
        for key in ["tools", "functions"] {
            if let value = example[key], !value.isNull { total += tokens(inJSON: value) }
        }
        for message in example["messages"]?.arrayValue ?? [] {
            total += tokens(inMessage: message)
        }
        return total
    }

    static func tokens(inMessage message: JSONValue) -> Int {
        var total = tokensPerMessage
        guard case .object(let fields) = message else { return total }
        if fields["role"] != nil { total += tokensPerRole }
        if let content = fields["content"] { total += tokens(inContent: content) }
        if let name = fields["name"]?.stringValue { total += tokens(inText: name) + tokensPerName }
        for key in ["tool_call_id", "refusal"] {
            if let text = fields[key]?.stringValue { total += tokens(inText: text) }
        }
        for key in ["tool_calls", "function_call"] {
            if let value = fields[key], !value.isNull { total += tokens(inJSON: value) }
        }
        return total
    }

    static func tokens(inContent content: JSONValue) -> Int {
        switch content {
        case .string(let text):
            return tokens(inText: text)
        case .array(let parts):
            return parts.reduce(0) { total, part in
                if let text = part["text"]?.stringValue { return total + tokens(inText: text) }
                if part["type"]?.stringValue == "image_url" { return total + tokensPerImage }
                return total
            }
        default:
            return 0
        }
    }

    static func tokens(inJSON value: JSONValue) -> Int {
        tokens(inText: value.encodedString)
    }
}
