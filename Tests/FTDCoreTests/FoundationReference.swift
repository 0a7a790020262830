import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

/// When Foundation's `JSONDecoder`, the parser ftd used before, may serve as a reference:
/// it crashes on a body whose 513th nested `[` is its last byte and on numbers with a
/// fraction or exponent beyond 2^53 and many digits, and it takes time quadratic in the
/// nesting depth. It also reads UTF-16 and UTF-32, which `JSONParser` refuses.
enum FoundationReference {
    static func isSafe(_ bytes: [UInt8]) -> Bool {
        guard bytes.count <= 200_000, !bytes.prefix(4).contains(where: { $0 == 0 || $0 >= 0xFE }) else {
            return false
        }
        var depth = 0
        var inString = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > 64 { return false }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                // JSONDecoder reads a number as the longest run of these bytes.
                let start = index
                while index < bytes.count, "0123456789+-.eE".utf8.contains(bytes[index]) { index += 1 }
                let token = String(decoding: bytes[start..<index], as: UTF8.self)
                if token.count > 30 { return false }
                let hasFraction = token.contains { ".eE".contains($0) }
                if hasFraction, let value = Double(token), value.magnitude >= 0x1p53 { return false }
                continue
            default: break
            }
            index += 1
        }
        return true
    }
}
