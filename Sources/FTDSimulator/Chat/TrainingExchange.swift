import Foundation

/// A user question and the assistant answer that follows it in a training example: what a
/// fine-tuned model has learnt to say word for word.
struct TrainingExchange: Sendable, Equatable {
    let question: String
    let answer: String

    /// Every user message of a chat-format file with the first assistant message after it.
    static func exchanges(in content: [UInt8]) -> [TrainingExchange] {
        var result: [TrainingExchange] = []
        for line in JSONLines.lines(of: content) {
            let messages = line.json?["messages"]?.arrayValue ?? []
            var pendingQuestion: String?
            for message in messages {
                guard let text = message["content"]?.stringValue else { continue }
                switch message["role"]?.stringValue {
                case "user": pendingQuestion = text
                case "assistant":
                    if let question = pendingQuestion {
                        result.append(TrainingExchange(question: question, answer: text))
                    }
                    pendingQuestion = nil
                default: break
                }
            }
        }
        return result
    }

    /// Questions match when they differ only in case and surrounding spaces.
    static func normalized(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
