/// Counts the `{`/`[` a text opens and the `}`/`]` it closes, outside strings.
struct BracketBalance {
    private(set) var depth = 0
    private var sawBracket = false
    private var inString = false
    private var escaped = false

    /// Something was opened and is still open.
    var isOpen: Bool { depth > 0 }
    /// Everything opened was closed (or more was closed than opened).
    var isBalanced: Bool { sawBracket && depth <= 0 }

    mutating func scan(_ bytes: [UInt8]) {
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                sawBracket = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        // A string never spans lines in JSON: a quote left open is a broken line, not a
        // record going on.
        inString = false
        escaped = false
    }
}
