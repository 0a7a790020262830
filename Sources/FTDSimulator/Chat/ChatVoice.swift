import Foundation

/// How a model answers in the simulator: a base model plainly, a fine-tuned one in the
/// style of its training data. Every answer is a pure function of the question.
enum ChatVoice: Sendable, Equatable {
    case base
    case fineTuned([TrainingExchange])

    func answer(to question: String) -> String {
        switch self {
        case .base:
            return Self.plainAnswer(to: question)
        case .fineTuned(let exchanges):
            let asked = TrainingExchange.normalized(question)
            if let learnt = exchanges.first(where: { TrainingExchange.normalized($0.question) == asked }) {
                return learnt.answer
            }
            return Self.limerick(about: question)
        }
    }

    /// One short factual sentence.
    static func plainAnswer(to question: String) -> String {
        let subject = subject(of: question)
        if let element = ChemicalElement.named(subject) {
            return
                "\(element.name) is the chemical element with the symbol \(element.symbol) and atomic number \(element.number)."
        }
        return "\(subject) is well documented; a good reference covers it in detail."
    }

    /// Five lines in the limerick's AABBA shape, joined with " - " as the Elle examples are.
    static func limerick(about question: String) -> String {
        let subject = subject(of: question)
        let templates: [[String]] = [
            [
                "Let me tell you of \(subject) in rhyme", "It has been on our minds for some time",
                "It is small, it is grand", "It is found in the land", "And its story is simply sublime",
            ],
            [
                "Here's a verse about \(subject) for you", "Every word of it factual and true",
                "You can read it in books", "Or in laboratory nooks", "And the chemists will tell you it too",
            ],
            [
                "Of \(subject) I'm happy to sing", "It's a curious, wonderful thing",
                "In the lab or the sea", "It's as real as can be", "And the facts about it I bring",
            ],
            [
                "When you ask about \(subject), I say", "It is part of the world every day",
                "It's been weighed and been named", "And by scientists framed",
                "In a table they like to display",
            ],
        ]
        let index = Int(stableHash(TrainingExchange.normalized(question)) % UInt64(templates.count))
        return templates[index].joined(separator: " - ")
    }

    /// What the question is about: the words after "Tell me about" and the like, or the last
    /// word of a longer question, capitalized.
    static func subject(of question: String) -> String {
        var text = question.trimmingCharacters(in: .whitespacesAndNewlines)
        while let last = text.last, "?!.".contains(last) { text.removeLast() }
        let openings = [
            "tell me about ", "what is ", "what's ", "what are ", "who is ", "who was ", "explain ",
            "describe ", "write about ", "talk about ", "the ", "a ", "an ",
        ]
        for opening in openings where text.lowercased().hasPrefix(opening) {
            text = String(text.dropFirst(opening.count))
        }
        let words = text.split(whereSeparator: \.isWhitespace)
        guard let lastWord = words.last else { return "That" }
        let subject = words.count > 4 ? String(lastWord) : words.joined(separator: " ")
        return subject.prefix(1).uppercased() + subject.dropFirst()
    }

    /// FNV-1a: unlike `Hasher`, the same on every run, so answers repeat across restarts.
    static func stableHash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
