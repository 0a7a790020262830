/// A JSON value whose objects keep their key order, so answers read like the real API's
/// and `null` fields are written out instead of being dropped.
public indirect enum SimJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([SimJSON])
    case object([(String, SimJSON)])

    public static func == (lhs: SimJSON, rhs: SimJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value of `key` in an object, `nil` when absent or not an object.
    public subscript(key: String) -> SimJSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var intValue: Int64? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value == value.rounded() && abs(value) < 1e15: return Int64(value)
        default: return nil
        }
    }

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

    public var arrayValue: [SimJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectKeys: [String]? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.map(\.0)
    }

    public var isNull: Bool { self == .null }

    static func optional(_ value: String?) -> SimJSON { value.map(SimJSON.string) ?? .null }
    static func optional(_ value: Int64?) -> SimJSON { value.map(SimJSON.int) ?? .null }
}
