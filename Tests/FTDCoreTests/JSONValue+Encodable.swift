import Foundation

@testable import FTDModel

/// Foundation's way of writing a JSON tree, which `JSONValue.encoded()` replaced in ftd:
/// `JSONSerializationTests` holds the hand-written encoder to its bytes.
extension JSONValue: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        // As a keyed container: OrderedDictionary itself encodes as a flat array.
        case .object(let value):
            try container.encode(Dictionary(uniqueKeysWithValues: value.map { ($0.key, $0.value) }))
        }
    }

    /// What `JSONEncoder` with sorted keys and unescaped slashes makes of the value.
    func encodedByFoundation() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }
}
