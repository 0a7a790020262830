import Foundation

extension JSONValue {
    /// Parses an answer's body, turning "not JSON" into an `APIDecodingError` that shows
    /// how the body starts, so a log line tells an HTML error page from a cut-off answer.
    public static func parseBody(_ data: Data) throws(APIDecodingError) -> JSONValue {
        do {
            return try parse(data)
        } catch {
            throw APIDecodingError("the body is not JSON (\(data.count) bytes: \(preview(of: data)))")
        }
    }

    /// The JSON type of the value in words, for error messages.
    var typeName: String {
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
        let printable = head.map { $0.isNewline || $0 == "\t" ? " " : $0 }
        return "\"" + String(printable) + (data.count > 60 ? "…\"" : "\"")
    }
}
