/// The one gate between text that came from outside (the API's job fields, event messages,
/// error texts, checkpoint names; a hook's stderr) and a terminal or a log line.
///
/// A terminal obeys what it is sent: `ESC ] 52 ; c ; …` writes the reader's clipboard,
/// `ESC ] 0 ;` retitles the window, `ESC [ 2 J` clears the screen, `\r` with `ESC [ K`
/// rewrites a line, and bidirectional overrides (U+202E, …) make text read otherwise than
/// it is stored. Whole escape sequences are removed (not only their ESC, which would leave
/// `]0;title` behind), other control characters become spaces, and the bidirectional
/// controls are dropped, so the text shows in its stored, logical order.
///
/// Views elide *after* this, so an elision can never cut a sequence in half and leave its
/// start to swallow what follows.
public enum TerminalSanitizer {
    /// `text` safe to print: escape sequences removed, other control characters (line
    /// breaks too, unless kept) as spaces, bidirectional controls dropped.
    public static func clean(_ text: String, keepingLineBreaks: Bool = false) -> String {
        if isPlainASCII(text) { return text }
        var output = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch Kind(scalar) {
            case .plain:
                output.append(scalar)
            case .lineBreak:
                output.append(keepingLineBreaks && scalar == "\n" ? "\n" : " ")
            case .control:
                output.append(" ")
            case .bidiControl:
                continue
            case .escape:
                if let next = scalars.next() { skipEscapeSequence(after: next, &scalars) }
            case .controlSequenceIntroducer:
                skipControlSequence(&scalars)
            case .stringIntroducer:
                skipControlString(&scalars)
            }
        }
        return String(output)
    }

    /// `text` for a log line: every control character and bidirectional control shown as
    /// a visible escape (`\x1b`, `\u{202e}`), so the log keeps what was sent without a
    /// terminal (`journalctl` in one) obeying it, and a record stays one line.
    public static func visible(_ text: String) -> String {
        if isPlainASCII(text) { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch Kind(scalar) {
            case .plain:
                output.unicodeScalars.append(scalar)
            case .lineBreak where scalar == "\n":
                output += "\\n"
            case .lineBreak where scalar == "\r":
                output += "\\r"
            case .lineBreak, .bidiControl:
                output += "\\u{" + String(scalar.value, radix: 16) + "}"
            case .control, .escape, .controlSequenceIntroducer, .stringIntroducer:
                let hex = String(scalar.value, radix: 16)
                output += "\\x" + (hex.count < 2 ? "0" : "") + hex
            }
        }
        return output
    }

    /// Printable ASCII only (space to `~`): nothing to do, and the common case.
    static func isPlainASCII(_ text: String) -> Bool {
        let checked = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        }
        return checked ?? text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    enum Kind {
        case plain, lineBreak, control, bidiControl
        /// ESC: the start of a sequence whose shape depends on what follows.
        case escape
        /// C1 CSI (U+009B), the one-character form of `ESC [`.
        case controlSequenceIntroducer
        /// C1 DCS, SOS, OSC, PM, APC: a string that runs until BEL or ST.
        case stringIntroducer

        init(_ scalar: Unicode.Scalar) {
            switch scalar.value {
            case 0x1B: self = .escape
            case 0x9B: self = .controlSequenceIntroducer
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F: self = .stringIntroducer
            case 0x0A, 0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029: self = .lineBreak
            case 0x00..<0x20, 0x7F, 0x80...0x9F: self = .control
            // Embeddings, overrides, isolates and marks (Unicode's Bidi_Control).
            case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: self = .bidiControl
            default: self = .plain
            }
        }
    }

    /// After ESC: `[` starts a control sequence; `]`, `P`, `X`, `^`, `_` a control string;
    /// anything else is a two-character sequence (with intermediates, as `ESC ( B`).
    private static func skipEscapeSequence(
        after next: Unicode.Scalar, _ scalars: inout String.UnicodeScalarView.Iterator
    ) {
        switch next {
        case "[": skipControlSequence(&scalars)
        case "]", "P", "X", "^", "_": skipControlString(&scalars)
        default:
            // Intermediates (0x20-0x2F) then one final character; anything else ends it.
            var current = next
            while (0x20...0x2F).contains(current.value), let following = scalars.next() {
                current = following
            }
        }
    }

    /// Parameters and intermediates (0x20-0x3F) up to a final character (0x40-0x7E). A
    /// character outside those ranges ends it too, as terminals abort such a sequence.
    private static func skipControlSequence(_ scalars: inout String.UnicodeScalarView.Iterator) {
        while let scalar = scalars.next() {
            if !(0x20...0x3F).contains(scalar.value) { return }
        }
    }

    /// Up to BEL, ST (`ESC \` or U+009C) or the end of the text: an unterminated string
    /// would swallow what a terminal shows after it, so it is all dropped.
    private static func skipControlString(_ scalars: inout String.UnicodeScalarView.Iterator) {
        while let scalar = scalars.next() {
            switch scalar.value {
            case 0x07, 0x9C: return
            case 0x1B:
                // `ESC \` ends it; any other ESC ends it too and starts a sequence of its own.
                if let next = scalars.next(), next != "\\" { skipEscapeSequence(after: next, &scalars) }
                return
            default: continue
            }
        }
    }
}
