import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel

/// API text (and a hook's stderr) must never drive the reader's terminal: the attacks of
/// issue 12 (terminal injection) and issue 19 item 1, one by one.
@Suite("Terminal sanitiser")
struct TerminalSanitizerTests {
    static let esc = "\u{1B}"
    static let bel = "\u{07}"

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var input: String
        var expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "plain ASCII passes untouched", input: "gpt-4o-mini-2024-07-18",
            expected: "gpt-4o-mini-2024-07-18"),
        Case(name: "non-ASCII text passes untouched", input: "modèle ✓ 日本語", expected: "modèle ✓ 日本語"),
        Case(
            name: "OSC 52 (clipboard write) ended by BEL", input: "gpt\(esc)]52;c;ZXZpbA==\(bel)-4o",
            expected: "gpt-4o"),
        Case(
            name: "OSC 0 (window title) ended by ST", input: "ft:x\(esc)]0;pwned\(esc)\\:y",
            expected: "ft:x:y"),
        Case(name: "CSI 2J (clear screen)", input: "a\(esc)[2Jb", expected: "ab"),
        Case(
            name: "CSI with parameters and intermediates", input: "a\(esc)[38;5;196mred\(esc)[0m",
            expected: "ared"),
        Case(name: "carriage return and erase line", input: "ok\r\(esc)[Kfake", expected: "ok fake"),
        Case(name: "C1 CSI (U+009B)", input: "a\u{9B}2Jb", expected: "ab"),
        Case(name: "C1 OSC (U+009D) ended by C1 ST", input: "a\u{9D}0;t\u{9C}b", expected: "ab"),
        Case(name: "an unterminated OSC swallows the rest", input: "model\(esc)]0;title", expected: "model"),
        Case(name: "a lone ESC at the end", input: "model\(esc)", expected: "model"),
        Case(name: "two-character sequences (ESC c, ESC ( B)", input: "a\(esc)cb\(esc)(Bc", expected: "abc"),
        Case(name: "an OSC cut short by a CSI", input: "a\(esc)]0;t\(esc)[2Jb", expected: "ab"),
        Case(
            name: "other control characters become spaces", input: "a\u{00}b\tc\u{7F}d\u{85}e",
            expected: "a b c d e"),
        Case(
            name: "line breaks become spaces", input: "one\ntwo\r\nthree\u{2028}four",
            expected: "one two  three four"),
        Case(
            name: "bidirectional overrides and isolates are dropped",
            input: "ftjob-\u{202E}kcatta\u{202C}-\u{2066}x\u{2069}\u{200F}", expected: "ftjob-kcatta-x"),
    ]

    @Test(arguments: cases)
    func clean(_ example: Case) {
        #expect(TerminalSanitizer.clean(example.input) == example.expected)
    }

    @Test("Nothing that reaches the terminal is a control or bidirectional character", arguments: cases)
    func nothingDangerousIsLeft(_ example: Case) {
        let output = TerminalSanitizer.clean(example.input)
        for scalar in output.unicodeScalars {
            #expect(TerminalSanitizer.Kind(scalar) == .plain, "U+\(String(scalar.value, radix: 16)) left in")
        }
    }

    @Test func lineBreaksCanBeKept() {
        #expect(TerminalSanitizer.clean("a\nb\r\n\(Self.esc)[2Jc", keepingLineBreaks: true) == "a\nb \nc")
    }

    @Test func logsShowWhatWasSentAsEscapes() {
        #expect(
            TerminalSanitizer.visible("a\(Self.esc)]0;t\(Self.bel)\n\u{202E}b")
                == "a\\x1b]0;t\\x07\\n\\u{202e}b")
        #expect(TerminalSanitizer.visible("plain text") == "plain text")
    }
}
