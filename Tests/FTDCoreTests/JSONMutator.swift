import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

/// A mutated fixture and what the mutation implies.
struct MutatedBody {
    enum ParseExpectation {
        /// The text was only rewritten: it parses to the fixture's own tree.
        case sameTree
        case valid
        /// The text is not JSON; the parser's message must contain the phrase.
        case invalid(String?)
        case unknown
    }

    var kind: String
    var bytes: [UInt8]
    var parse: ParseExpectation
    /// The paths (key names, `[index]`) the mutation changed; nil after a byte-level change.
    var touched: [[String]]?
    /// Whether the mutation tests how the text is parsed (numbers, strings, keys, syntax)
    /// rather than what the decoders make of the values.
    var probesParser = false
}

struct JSONMutator {
    var hugeBytes: Int

    static let otherTypes = [
        "0", "-1", "1.5", "true", "false", #""""#, #"" ""#, #""x""#, "[]", "{}", "[null]",
        #"{"a":null}"#, #""12""#, #""null""#, #""ftjob-other""#, #"[1,"a",{}]"#, #"{"id":"x","status":"y"}"#,
    ]
    static let validNumbers = [
        "0", "-0", "-0.0", "1e2", "1E+2", "12.0", "0.1", "1e-400", "4.9e-324", "1.7976931348623157e308",
        "-1.7976931348623157e308", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "1e18", "123456789.123456789",
        "10000000000000000000000000", "1.5e300", "-1.5e-300", "9007199254740993", "9007199254740993.0",
        "1" + String(repeating: "0", count: 200) + "e-182", "0.0e0", "1e-7", "2.5E-3", "1723207997.0",
    ]
    static let invalidNumbers = [
        "NaN", "-NaN", "Infinity", "-Infinity", "inf", "nan", "+1", ".5", "1.", "01", "-01", "0x10", "1_000",
        "1e", "1e+", "-", "--1", "1.2.3", "1e5e5", "\u{FF11}", "1e400", "-1e400",
        "1" + String(repeating: "0", count: 400),
    ]
    static let invalidLiterals = [
        "True", "FALSE", "NULL", "nul", "tru", "undefined", "None", "nil", "'x'", "`x`",
    ]
    static let validStrings = [
        #""\u0000""#, #""\ud83d\ude00""#, "\"\u{1F600}\"", #""\/""#, #""\b\f\n\r\t""#, "\"e\u{301}\"",
        #""\u202e""#, #""\uffff""#, "\"\u{7F}\"", #""a\"b""#, "\"\u{FEFF}\"", #""<script>""#, #""%s%n""#,
    ]
    static let invalidStrings = [
        #""\q""#, #""\u12""#, #""\uZZZZ""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800x""#,
        #""\x41""#, #""\U0041""#, #""\""#, #""\'""#, "'single'",
    ]
    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3],
    ]
    static let newKeys = ["extra", "", "ID", "Id", "id ", "status\u{0}", "__proto__", "data2", "\u{1F600}"]

    enum Kind: CaseIterable {
        case dropMember, nullValue, blankString, otherType, hugeString, deepValue, edgeNumber, edgeString,
            renameKey
        case duplicateKeyFirst, duplicateKeyLast, addMember, duplicateElement, dropElement, swapElements
        case trailingComma, whitespace, escapedKeys, byteOrderMark
        case invalidNumber, invalidLiteral, invalidUTF8, invalidString, controlCharacter, utf16Mark
        case truncate, setByte, insertBytes, deleteRange, duplicateRange, splice, garbage, repeatBody
        case nestDeep, openDeep

        var probesParser: Bool {
            switch self {
            case .edgeNumber, .edgeString, .duplicateKeyFirst, .duplicateKeyLast, .trailingComma, .whitespace,
                .escapedKeys, .byteOrderMark, .invalidNumber, .invalidLiteral, .invalidUTF8, .invalidString,
                .controlCharacter, .utf16Mark:
                true
            default:
                false
            }
        }
    }

    /// How many arrays and objects nest in `value`.
    static func depth(of value: JSONValue) -> Int {
        switch value {
        case .array(let items): 1 + (items.map(depth).max() ?? 0)
        case .object(let fields): 1 + (fields.values.map(depth).max() ?? 0)
        default: 0
        }
    }
}
