import Foundation
import OrderedCollections

/// A JSON object's members, in the order they were read or built: `ftd history --json`
/// prints its keys in the order SPEC section 6 shows, and a parsed answer keeps the API's.
public typealias JSONObject = OrderedDictionary<String, JSONValue>

/// Any JSON value, decoded without a schema.
///
/// The API's answers drift from its published schema (see `docs` and the fixtures), so
/// ftd decodes every body into this tree first and picks the fields it needs leniently.
/// The tree is also how a job's raw JSON is kept and handed on to hooks unchanged.
/// Integers stay integers (`Int64`), so ids and timestamps survive a round trip exactly.
/// It is also what every JSON output is built as (`rendered(pretty:)`): the one JSON value
/// type of ftd (the simulator keeps its own, so that the fake API and the client cannot
/// share a bug).
///
/// Two objects are equal when they hold the same members, in whatever order, as JSON means.
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { member in b[member.key] == member.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .int(let value): hasher.combine(value)
        case .double(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let values): hasher.combine(values)
        case .object(let members):
            // Independent of the members' order, as `==` is.
            var combined = 0
            for member in members {
                var memberHasher = Hasher()
                memberHasher.combine(member.key)
                memberHasher.combine(member.value)
                combined ^= memberHasher.finalize()
            }
            hasher.combine(members.count)
            hasher.combine(combined)
        }
    }
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

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }
}
