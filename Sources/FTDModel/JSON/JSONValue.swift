import Foundation

/// Any JSON value, decoded without a schema.
///
/// The API's answers drift from its published schema (see `docs` and the fixtures), so
/// ftd decodes every body into this tree first and picks the fields it needs leniently.
/// The tree is also how a job's raw JSON is kept and handed on to hooks unchanged.
/// Integers stay integers (`Int64`), so ids and timestamps survive a round trip exactly.
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// Parses a whole body (`JSONParser`). When the bytes are not JSON, the error names
    /// the problem and its byte offset.
    public static func parse(_ data: Data) throws(APIDecodingError) -> JSONValue {
        try JSONParser.parse(data)
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Whole numbers, also when the API sends them as `12.0`.
    public var int64Value: Int64? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value.rounded() == value && abs(value) < 9.0e18:
            return Int64(value)
        default: return nil
        }
    }

    public var intValue: Int? { int64Value.map { Int(truncatingIfNeeded: $0) } }

    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }
}
