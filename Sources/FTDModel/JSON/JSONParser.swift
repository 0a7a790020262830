import Foundation

/// Reads JSON text into a `JSONValue` in one pass over the bytes, without recursion.
///
/// It replaces `JSONDecoder().decode(JSONValue.self, …)`, which decoder fuzzing
/// (`DecoderFuzzTests`) showed unfit for answers from the network: Foundation stops the
/// process on a body whose 513th nested `[` is its last byte and on valid numbers such as
/// `1` followed by 200 zeros and `e-182`, and decoding an untyped tree through `Codable`
/// takes time quadratic in the nesting depth (20 KB of nested arrays took 30 s).
///
/// It accepts what `JSONDecoder` accepted and gives the same values: RFC 8259 JSON, a
/// trailing comma in arrays and objects, a leading UTF-8 byte order mark, up to 512 nested
/// arrays and objects; of duplicated keys the first wins, and objects keep their order. A
/// number is an `.int` when it is
/// written without fraction or exponent and `Int64` holds it, or when it has a fraction
/// or exponent and its `Double` value is a whole number `Int64` holds; else a `.double`.
/// Two differences, neither seen in real answers: the text must be UTF-8 (`JSONDecoder`
/// also guessed UTF-16 and UTF-32), and a number with a fraction or exponent beyond 2^53
/// is read through `Double`, where `JSONDecoder` read it exactly, rounded it or crashed.
struct JSONParser {
    static let maximumDepth = 512

    let bytes: [UInt8]
    private(set) var index: Int

    /// An array or object whose members are still being read.
    private struct OpenContainer {
        let isObject: Bool
        var elements: [JSONValue] = []
        var members: JSONObject = [:]
        /// The key whose value is being read.
        var key = ""
    }

    /// Parses a whole text; the error names the problem and its byte offset.
    static func parse(_ data: Data) throws(APIDecodingError) -> JSONValue {
        var parser = JSONParser(bytes: [UInt8](data))
        return try parser.document()
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
        // A UTF-8 byte order mark is not part of the text.
        index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    private mutating func document() throws(APIDecodingError) -> JSONValue {
        var open: [OpenContainer] = []
        readValue: while true {
            var value: JSONValue
            let first = try nextByte(endsText: "before a value")
            switch first {
            case .openBracket, .openBrace:
                guard open.count < Self.maximumDepth else {
                    throw Self.failure("more than \(Self.maximumDepth) nested arrays and objects", at: index)
                }
                let isObject = first == .openBrace
                index += 1
                if try nextByte(endsText: Self.inside(isObject)) == (isObject ? .closeBrace : .closeBracket) {
                    index += 1
                    value = isObject ? .object([:]) : .array([])
                } else {
                    var container = OpenContainer(isObject: isObject)
                    if isObject { container.key = try key() }
                    open.append(container)
                    continue readValue
                }
            case .quote: value = .string(try string())
            case UInt8(ascii: "t"): value = try literal("true", .bool(true))
            case UInt8(ascii: "f"): value = try literal("false", .bool(false))
            case UInt8(ascii: "n"): value = try literal("null", .null)
            case .minus, .digitZero...UInt8(ascii: "9"): value = try number()
            default: throw unexpected(first, "where a value should start")
            }
            // `value` is complete: it joins the innermost open container, and every
            // container that ends right after it closes and joins its parent in turn.
            while let last = open.indices.last {
                let isObject = open[last].isObject
                if isObject {
                    let key = open[last].key
                    // The first of duplicated keys wins: one search inserts or leaves it.
                    open[last].members.updateValue(forKey: key, default: value) { _ in }
                } else {
                    open[last].elements.append(value)
                }
                let close: UInt8 = isObject ? .closeBrace : .closeBracket
                let separator = try nextByte(endsText: Self.inside(isObject))
                if separator == .comma {
                    index += 1
                    // A comma before the closing bracket is allowed, as JSONDecoder allows it.
                    if try nextByte(endsText: Self.inside(isObject)) != close {
                        if isObject { open[last].key = try key() }
                        continue readValue
                    }
                } else if separator != close {
                    let expected = isObject ? "',' or '}'" : "',' or ']'"
                    throw unexpected(
                        separator, "\(Self.inside(isObject)), where \(expected) should follow a value")
                }
                index += 1
                let finished = open.removeLast()
                value = finished.isObject ? .object(finished.members) : .array(finished.elements)
            }
            skipWhitespace()
            guard index == bytes.count else { throw unexpected(bytes[index], "after the JSON value") }
            return value
        }
    }

    private static func inside(_ isObject: Bool) -> String {
        isObject ? "inside an object" : "inside an array"
    }

    /// The key of an object member and the colon after it.
    private mutating func key() throws(APIDecodingError) -> String {
        let first = try nextByte(endsText: "inside an object")
        guard first == .quote else {
            throw unexpected(first, "inside an object, where a key (a string) should start")
        }
        let key = try string()
        let colon = try nextByte(endsText: "inside an object")
        guard colon == .colon else {
            throw unexpected(colon, "inside an object, where ':' should follow a key")
        }
        index += 1
        return key
    }

    // MARK: Strings

    private mutating func string() throws(APIDecodingError) -> String {
        let start = index
        index += 1
        // Most strings (every key, id and message of an answer) have no escape: they are
        // made once from their bytes, not appended to an empty string, and when they are
        // ASCII, without the generic (unspecialized, slow) UTF-8 validation.
        var highBits: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == .quote {
                let range = (start + 1)..<index
                index += 1
                if highBits & 0x80 == 0 {
                    return bytes.withUnsafeBufferPointer { buffer in
                        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
                    }
                }
                guard let whole = String(validating: bytes[range], as: UTF8.self) else {
                    throw Self.failure("invalid UTF-8 in the string", at: start)
                }
                return whole
            }
            if byte == .backslash || byte < 0x20 { break }
            highBits |= byte
            index += 1
        }
        var result = ""
        var chunkStart = start + 1
        index = chunkStart
        while true {
            guard index < bytes.count else { throw endOfText("inside a string") }
            let byte = bytes[index]
            if byte == .quote || byte == .backslash {
                guard let chunk = String(validating: bytes[chunkStart..<index], as: UTF8.self) else {
                    throw Self.failure("invalid UTF-8 in the string", at: start)
                }
                result += chunk
                index += 1
                if byte == .quote { return result }
                try escape(into: &result)
                chunkStart = index
            } else if byte < 0x20 {
                throw Self.failure("unescaped control character \(Self.hex(byte)) in a string", at: index)
            } else {
                index += 1
            }
        }
    }

    /// The escape after a backslash.
    private mutating func escape(into result: inout String) throws(APIDecodingError) {
        let start = index - 1
        guard index < bytes.count else { throw endOfText("inside a string") }
        let letter = bytes[index]
        index += 1
        switch letter {
        case .quote, .backslash, UInt8(ascii: "/"): result.unicodeScalars.append(Unicode.Scalar(letter))
        case UInt8(ascii: "b"): result.append("\u{08}")
        case UInt8(ascii: "f"): result.append("\u{0C}")
        case UInt8(ascii: "n"): result.append("\n")
        case UInt8(ascii: "r"): result.append("\r")
        case UInt8(ascii: "t"): result.append("\t")
        case UInt8(ascii: "u"):
            let unit = try utf16Unit()
            if UTF16.isLeadSurrogate(unit) {
                for expected in [UInt8.backslash, UInt8(ascii: "u")] {
                    guard index < bytes.count else { throw endOfText("inside a string") }
                    guard bytes[index] == expected else { throw Self.unpaired(unit, at: start) }
                    index += 1
                }
                let trail = try utf16Unit()
                guard UTF16.isTrailSurrogate(trail) else { throw Self.unpaired(unit, at: start) }
                let value = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(trail - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else { throw Self.unpaired(unit, at: start) }
                result.unicodeScalars.append(scalar)
            } else {
                guard let scalar = Unicode.Scalar(unit) else { throw Self.unpaired(unit, at: start) }
                result.unicodeScalars.append(scalar)
            }
        default:
            throw unexpected(letter, "after a backslash in a string", at: index - 1)
        }
    }

    /// The four hex digits of a `\u` escape.
    private mutating func utf16Unit() throws(APIDecodingError) -> UInt16 {
        var unit: UInt16 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw endOfText("inside a string") }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case .digitZero...UInt8(ascii: "9"): digit = byte - .digitZero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw unexpected(byte, "in a \\u escape, where 4 hex digits should be")
            }
            unit = unit << 4 | UInt16(digit)
            index += 1
        }
        return unit
    }

    private static func unpaired(_ unit: UInt16, at offset: Int) -> APIDecodingError {
        let digits = String(unit, radix: 16, uppercase: true)
        return Self.failure("unpaired UTF-16 surrogate \\u\(digits) in a string", at: offset)
    }

    // MARK: Numbers and literals

    private mutating func number() throws(APIDecodingError) -> JSONValue {
        let start = index
        if bytes[index] == .minus { index += 1 }
        guard index < bytes.count else { throw endOfText("inside a number") }
        if bytes[index] == .digitZero {
            index += 1
            if index < bytes.count, Self.isDigit(bytes[index]) {
                throw Self.failure("a number starts with 0 followed by more digits", at: start)
            }
        } else {
            try digits()
        }
        var isWhole = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            isWhole = false
            try digits()
        }
        if index < bytes.count, (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            isWhole = false
            if index < bytes.count, bytes[index] == .plus || bytes[index] == .minus { index += 1 }
            try digits()
        }
        // Up to 18 digits always fit an Int64: read without making a string.
        if isWhole, index - start <= 18 {
            var magnitude: Int64 = 0
            for byte in bytes[start..<index] where byte != .minus {
                magnitude = magnitude * 10 + Int64(byte - .digitZero)
            }
            return .int(bytes[start] == .minus ? -magnitude : magnitude)
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isWhole, let integer = Int64(text) { return .int(integer) }
        guard let number = Double(text), number.isFinite else {
            let shown = text.count > 24 ? String(text.prefix(24)) + "…" : text
            throw Self.failure("the number \(shown) is out of range", at: start)
        }
        if !isWhole, let integer = Int64(exactly: number) { return .int(integer) }
        return .double(number)
    }

    /// One or more decimal digits.
    private mutating func digits() throws(APIDecodingError) {
        guard index < bytes.count else { throw endOfText("inside a number") }
        guard Self.isDigit(bytes[index]) else {
            throw unexpected(bytes[index], "in a number, where a digit should be")
        }
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= .digitZero && byte <= UInt8(ascii: "9") }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(APIDecodingError) -> JSONValue {
        for expected in word.utf8 {
            guard index < bytes.count else { throw endOfText("inside '\(word)'") }
            guard bytes[index] == expected else { throw unexpected(bytes[index], "in '\(word)'") }
            index += 1
        }
        return value
    }

    // MARK: Whitespace and errors

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    /// The next byte that is not whitespace, left unread.
    private mutating func nextByte(endsText context: String) throws(APIDecodingError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw endOfText(context) }
        return bytes[index]
    }
}
