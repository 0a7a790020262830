import Foundation

extension JSONValue {
    /// Compact JSON with sorted keys: stable bytes for storage and tests. Written by hand
    /// to the same bytes as Foundation's `JSONEncoder` with `.sortedKeys` and
    /// `.withoutEscapingSlashes`, which took most of the time of storing 100,000 events.
    public func encoded() -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        guard write(to: &bytes) else { return Data("null".utf8) }
        return Data(bytes)
    }

    /// The same as a `String`.
    public var encodedString: String { String(decoding: encodedUTF8, as: UTF8.self) }

    /// The same bytes, for a caller that hands them on as they are (SQLite copies them):
    /// no string is made of them.
    public var encodedUTF8: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        guard write(to: &bytes) else { return Array("null".utf8) }
        return bytes
    }

    /// False for a number JSON cannot hold (infinity, NaN), which `JSONEncoder` refuses.
    private func write(to bytes: inout [UInt8]) -> Bool {
        switch self {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): Self.write(integer: value, to: &bytes)
        case .double(let value):
            guard value.isFinite else { return false }
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            bytes.append(contentsOf: text.utf8)
        case .string(let value): Self.write(string: value, to: &bytes)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                guard value.write(to: &bytes) else { return false }
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            // Code-point order, as `.sortedKeys` sorts; members are visited by position,
            // without looking each key up again.
            let keys = members.keys
            let precedes = { (a: Int, b: Int) in keys[a].utf8.lexicographicallyPrecedes(keys[b].utf8) }
            let isSorted = keys.indices.dropFirst().allSatisfy { precedes($0 - 1, $0) }
            let order = isSorted ? nil : keys.indices.sorted(by: precedes)
            for position in keys.indices {
                let index = order?[position] ?? position
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.write(string: keys[index], to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                guard members.values[index].write(to: &bytes) else { return false }
            }
            bytes.append(UInt8(ascii: "}"))
        }
        return true
    }

    /// The decimal digits of `value`, as `String(value)` spells them.
    private static func write(integer value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    private static func write(string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Keys and most values need no escape: their bytes are copied at once.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
        {
            bytes.append(contentsOf: string.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case 0x08: bytes.append(contentsOf: #"\b"#.utf8)
            case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
            case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
            case 0x0C: bytes.append(contentsOf: #"\f"#.utf8)
            case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: #"\u00"#.utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
