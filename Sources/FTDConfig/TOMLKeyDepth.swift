/// How deeply a TOML text's dotted keys nest, read before the TOML parser sees it: the
/// parser (toml++) recurses once per level when it finishes a table, so a header like
/// `[a.a.a.…]` 200,000 levels deep overflows the stack before any check of ours can run.
///
/// A dot outside strings and comments belongs to a key (`a.b.c`), a float (`1.5`) or a
/// time's fraction (`07:32:00.999`); only a key strings several together, and a key never
/// spans a line or crosses `=`, `,`, brackets or braces. So the longest such run of dots,
/// plus one, bounds the depth one key adds.
enum TOMLKeyDepth {
    /// The most components one dotted key has in `text`, and the line it is on (1-based).
    static func deepestKey(in text: String) -> (components: Int, line: Int) {
        var deepest = (components: 1, line: 1)
        var line = 1
        var run = 0
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: "."):
                run += 1
                if run + 1 > deepest.components { deepest = (run + 1, line) }
            case UInt8(ascii: "\n"):
                line += 1
                run = 0
            case UInt8(ascii: "="), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
                UInt8(ascii: "{"), UInt8(ascii: "}"):
                run = 0
            case UInt8(ascii: "#"):
                while let next = bytes.first, next != UInt8(ascii: "\n") { bytes.removeFirst() }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                line += skipString(opening: byte, &bytes)
            default:
                break
            }
        }
        return deepest
    }

    /// Skips a string whose opening quote was just read (basic or literal, one line or
    /// three quotes for several); returns the line breaks it held.
    private static func skipString(opening quote: UInt8, _ bytes: inout ArraySlice<UInt8>) -> Int {
        let isBasic = quote == UInt8(ascii: "\"")
        let isMultiline = bytes.starts(with: [quote, quote])
        if isMultiline { bytes.removeFirst(2) }
        var lines = 0
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "\n") {
                lines += 1
                if !isMultiline { return lines }  // an unterminated string: the parser says so
            } else if isBasic, byte == UInt8(ascii: "\\") {
                if bytes.popFirst() == UInt8(ascii: "\n") { lines += 1 }
            } else if byte == quote {
                if !isMultiline { return lines }
                if bytes.starts(with: [quote, quote]) {
                    bytes.removeFirst(2)
                    // Up to two more quotes may belong to the string's content.
                    while bytes.first == quote { bytes.removeFirst() }
                    return lines
                }
            }
        }
        return lines
    }
}
