import Foundation

extension SimJSON: Decodable {
    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var values: [SimJSON] = []
            while !array.isAtEnd { values.append(try array.decode(SimJSON.self)) }
            self = .array(values)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            // Request bodies are parsed into dictionaries by the decoder; sorting keeps it deterministic.
            let keys = object.allKeys.sorted { $0.stringValue < $1.stringValue }
            self = .object(try keys.map { ($0.stringValue, try object.decode(SimJSON.self, forKey: $0)) })
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? single.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// Parses JSON text; `nil` when it is not JSON.
    public static func parse(_ bytes: [UInt8]) -> SimJSON? {
        try? JSONDecoder().decode(SimJSON.self, from: Data(bytes))
    }

    public static func parse(_ text: String) -> SimJSON? {
        parse(Array(text.utf8))
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
