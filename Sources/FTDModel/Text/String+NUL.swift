extension String {
    /// The text with each NUL as U+FFFD. A NUL ends a C string: in an environment value it
    /// made the hook's whole environment invalid, and SQLite's text readers stop at it, so
    /// a status `running\u{0}x` was stored as `running` and differed from the API's value
    /// at every cycle. Raw JSON (stored, and a hook's stdin) keeps the exact value.
    package var replacingNUL: String {
        guard utf8.contains(0) else { return self }
        return String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\u{0}" ? "\u{FFFD}" : $0 }))
    }
}
