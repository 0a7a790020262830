import Foundation

/// Formatting shared by the history views. Widths count characters: the views draw with
/// single-column characters only (box drawing, blocks, `→`, `…`).
enum TerminalText {
    /// `2024-05-13 02:09:44`, always UTC, so the same database reads the same everywhere.
    static func utc(_ time: Int64) -> String {
        let (days, seconds) = floorDivide(time, 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return String(
            format: "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", year, month, day, seconds / 3600,
            seconds % 3600 / 60, seconds % 60)
    }

    static func utcDate(_ time: Int64) -> String { String(utc(time).prefix(10)) }

    /// Text from the API made safe for a terminal: control characters (escape sequences
    /// included) that could move the cursor, clear the screen or retitle the window become
    /// spaces; line breaks too, unless kept.
    static func printable(_ text: String, keepingLineBreaks: Bool = false) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    if scalar == "\n", keepingLineBreaks { return scalar }
                    let value = scalar.value
                    return value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) ? " " : scalar
                }))
    }

    /// `02:09:44`, UTC like `utc(_:)`.
    static func clock(_ time: Int64) -> String { String(utc(time).suffix(8)) }

    /// `45s`, `3m04s`, `1h02m`, `3d04h`: two units at most, enough to read at a glance.
    static func duration(_ seconds: Int64) -> String {
        let s = max(seconds, 0)
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return String(format: "%lldm%02llds", s / 60, s % 60)
        case ..<86_400: return String(format: "%lldh%02lldm", s / 3600, s % 3600 / 60)
        default: return String(format: "%lldd%02lldh", s / 86_400, s % 86_400 / 3600)
        }
    }

    /// `12m ago` for the last week, then the date.
    static func relative(_ time: Int64, now: Int64) -> String {
        let age = now - time
        switch age {
        case ..<0: return utcDate(time)
        case ..<60: return "just now"
        case ..<3600: return "\(age / 60)m ago"
        case ..<86_400: return "\(age / 3600)h ago"
        case ..<(7 * 86_400): return "\(age / 86_400)d ago"
        default: return utcDate(time)
        }
    }

    /// `1.52`, `0.0012`, `5.7e-05`: short, and never rounded to zero.
    static func loss(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == 0 { return "0" }
        if abs(value) < 0.001 { return String(format: "%.1e", value) }
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func padRight(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// Keeps the start: model names and messages read from the left.
    static func elideEnd(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(width, 0))) }
        return String(text.prefix(width - 1)) + "…"
    }

    /// Keeps both ends: a fine-tuned model's distinctive part is its suffix and id.
    static func elideMiddle(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 2 else { return String(text.prefix(max(width, 0))) }
        let tail = (width - 1) / 2
        return String(text.prefix(width - 1 - tail)) + "…" + String(text.suffix(tail))
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let quotient = a >= 0 ? a / b : (a - b + 1) / b
        return (quotient, a - quotient * b)
    }

    /// Howard Hinnant's days-to-civil: exact for any day, no calendar or locale involved.
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
