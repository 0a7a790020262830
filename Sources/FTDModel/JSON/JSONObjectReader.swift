import Foundation

/// Reads the fields of one API object leniently: only what ftd cannot work without is
/// required; every other field is nil when absent, null or of an unexpected type.
package struct JSONObjectReader {
    /// What the object is (`job`, `event`, …), for error messages.
    let what: String
    let fields: JSONObject

    package init(_ value: JSONValue, what: String) throws(APIDecodingError) {
        guard let fields = value.objectValue else {
            throw APIDecodingError("\(what): expected a JSON object, got \(value.typeName)")
        }
        self.what = what
        self.fields = fields
    }

    /// The value, nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        guard let value = fields[key], !value.isNull else { return nil }
        return value
    }

    func requiredString(_ key: String) throws(APIDecodingError) -> String {
        guard let value = fields[key], !value.isNull else {
            throw APIDecodingError("\(what): the required field \"\(key)\" is missing")
        }
        guard let string = value.stringValue, !string.isEmpty else {
            throw APIDecodingError(
                "\(what): the field \"\(key)\" must be a non-empty string, got \(value.typeName)")
        }
        return string.replacingNUL  // NUL would be cut by SQLite: see `replacingNUL`
    }

    func requiredInt64(_ key: String) throws(APIDecodingError) -> Int64 {
        guard let value = fields[key], !value.isNull else {
            throw APIDecodingError("\(what): the required field \"\(key)\" is missing")
        }
        guard let number = value.int64Value else {
            throw APIDecodingError(
                "\(what): the field \"\(key)\" must be a whole number, got \(value.typeName)")
        }
        return number
    }

    func string(_ key: String) -> String? { value(key)?.stringValue?.replacingNUL }

    /// The unix seconds ftd believes: from 1970 to the end of year 9999. A time outside
    /// them (`-2^63`, milliseconds sent as seconds) is no fact about a job, and arithmetic
    /// on it overflows; the job's raw JSON keeps what was sent.
    public static let plausibleTimes: ClosedRange<Int64> = 0...253_402_300_799

    /// An optional time (`finished_at`, …): nil when absent or implausible.
    func time(_ key: String) -> Int64? {
        int64(key).flatMap { Self.plausibleTimes.contains($0) ? $0 : nil }
    }

    /// A required time (an event's `created_at`): an implausible one is clamped into
    /// `plausibleTimes`, so that one absurd event cannot make its whole page unreadable.
    func requiredTime(_ key: String) throws(APIDecodingError) -> Int64 {
        let time = try requiredInt64(key)
        return min(max(time, Self.plausibleTimes.lowerBound), Self.plausibleTimes.upperBound)
    }

    func int64(_ key: String) -> Int64? { value(key)?.int64Value }

    func int(_ key: String) -> Int? { value(key)?.intValue }

    /// A string, also when the API sends a number there (error codes have been both).
    package func text(_ key: String) -> String? {
        switch value(key) {
        case .string(let string): string.replacingNUL
        case .int(let number): String(number)
        case .double(let number): String(number)
        default: nil
        }
    }
}
