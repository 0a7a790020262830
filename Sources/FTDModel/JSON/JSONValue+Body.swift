import Foundation

extension JSONValue {
    /// Parses an answer's body, turning "not JSON" into an `APIDecodingError` that shows
    /// how the body starts and what is wrong where, so a log line tells an HTML error page
    /// from a cut-off answer.
    public static func parseBody(_ data: Data) throws(APIDecodingError) -> JSONValue {
        do throws(APIDecodingError) {
            return try parse(data)
        } catch {
            throw APIDecodingError(
                "the body is not JSON (\(data.count) bytes: \(preview(of: data))): \(error.message)")
        }
    }

    /// The JSON type of the value in words, for error messages.
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    private static func preview(of data: Data) -> String {
        if data.isEmpty { return "empty" }
        let head = String(decoding: data.prefix(60), as: UTF8.self)
        // Control characters from the network (an escape sequence, say) must not reach a
        // terminal or a log line.
        let printable = head.map { character -> Character in
            if character.isNewline || character == "\t" { return " " }
            let isControl = character.unicodeScalars.contains { $0.properties.generalCategory == .control }
            return isControl ? "\u{FFFD}" : character
        }
        return "\"" + String(printable) + (data.count > 60 ? "…\"" : "\"")
    }
}
