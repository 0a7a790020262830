import FTDModel

/// What one or more lines of a JSON Lines file turned out to be.
enum JSONLRecord: Sendable, Equatable {
    /// A line that is one JSON object: an example, to be checked.
    case object(JSONValue, line: Int)
    /// A line that is JSON but not an object (`kind`: "an array", "a string", …).
    case notObject(kind: String, line: Int)
    /// A line that is not JSON; `message` says why and where.
    case invalid(message: String, line: Int)
    /// Lines that together are one JSON value: a record pretty-printed over several lines.
    /// `value` is `nil` when the lines close their brackets but are still not JSON, and
    /// `error` then says why.
    case spread(value: JSONValue?, error: String?, lines: ClosedRange<Int>)
    /// Consecutive blank (or whitespace-only) lines.
    case blank(lines: ClosedRange<Int>)
}
