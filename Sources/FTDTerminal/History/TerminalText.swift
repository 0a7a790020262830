import FTDModel
import Foundation

/// Formatting shared by the history views. Widths count characters: the views draw with
/// single-column characters only (box drawing, blocks, `→`, `…`).
///
/// Numbers are formatted by hand, not with `String(format:)`: `ftd history` formats
/// several per job for 10,000 jobs, and Foundation's formatter made up most of its time.
enum TerminalText {
    /// `2024-05-13 02:09:44`, always UTC, so the same database reads the same everywhere.
    static func utc(_ time: Int64) -> String {
        let (days, seconds) = floorDivide(time, 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return zeroPadded(year, 4) + "-" + zeroPadded(month, 2) + "-" + zeroPadded(day, 2) + " "
            + zeroPadded(seconds / 3600, 2) + ":" + zeroPadded(seconds % 3600 / 60, 2) + ":"
            + zeroPadded(seconds % 60, 2)
    }

    /// `value` in decimal with at least `width` digits (`printf`'s `%0*lld`).
    static func zeroPadded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(width - (value < 0 ? 1 : 0) - digits.count, 0))
        return (value < 0 ? "-" : "") + zeros + digits
    }

    static func utcDate(_ time: Int64) -> String {
        let (year, month, day) = civilDate(daysSinceEpoch: floorDivide(time, 86_400).0)
        return zeroPadded(year, 4) + "-" + zeroPadded(month, 2) + "-" + zeroPadded(day, 2)
    }

    /// `02:09:44`, UTC like `utc(_:)`.
    static func clock(_ time: Int64) -> String { String(utc(time).suffix(8)) }

    /// `45s`, `3m04s`, `1h02m`, `3d04h`: two units at most, enough to read at a glance.
    static func duration(_ seconds: Int64) -> String {
        let s = max(seconds, 0)
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return "\(s / 60)m" + zeroPadded(s % 60, 2) + "s"
        case ..<86_400: return "\(s / 3600)h" + zeroPadded(s % 3600 / 60, 2) + "m"
        default: return "\(s / 86_400)d" + zeroPadded(s % 86_400 / 3600, 2) + "h"
        }
    }

    /// `12m ago` for the last week, then the date.
    static func relative(_ time: Int64, now: Int64) -> String {
        let age = UnixTime.seconds(from: time, to: now)
        switch age {
        case ..<0: return utcDate(time)
        case ..<60: return "just now"
        case ..<3600: return "\(age / 60)m ago"
        case ..<86_400: return "\(age / 3600)h ago"
        case ..<(7 * 86_400): return "\(age / 86_400)d ago"
        default: return utcDate(time)
        }
    }

    /// `$12.34`, `$1,234.50`: US dollars to the cent, grouped by thousands; a cost that
    /// rounds to nothing but is not nothing reads `<$0.01`, not `$0.00`.
    static func dollars(_ usd: Double) -> String {
        guard usd.isFinite else { return "-" }
        let sign = usd < 0 ? "-" : ""
        let magnitude = abs(usd)
        if magnitude > 0, magnitude < 0.005 { return sign + "<$0.01" }
        guard magnitude < 1e15 else { return sign + "$" + String(format: "%.2f", magnitude) }
        let cents = Int64((magnitude * 100).rounded())
        return sign + "$" + grouped(cents / 100) + "." + zeroPadded(cents % 100, 2)
    }

    /// A job's cost for a table: `$12.34`, `~$1.20` for an estimate, `-` when unknown.
    static func cost(_ cost: JobCost?) -> String {
        guard let cost else { return "-" }
        return (cost.isEstimate ? "~" : "") + dollars(cost.usd)
    }

    /// `1,234,567`.
    static func grouped(_ value: Int64) -> String {
        var digits = String(value.magnitude)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return (value < 0 ? "-" : "") + digits + grouped
    }

    /// `1.52`, `0.0012`, `5.7e-05`: short, and never rounded to zero. Exactly `%.4f`
    /// with its trailing zeros cut, below 0.001 `%.1e`: by hand, except on a rounding tie
    /// (where `printf` looks at the exact binary value) and out of the usual range.
    static func loss(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == 0 { return "0" }
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        if magnitude < 0.001 {
            if magnitude >= 1e-300, let text = scientific(magnitude) { return sign + text }
            return String(format: "%.1e", value)
        }
        // A loss that blew up past 10^15 would be hundreds of digits wide.
        if magnitude > 1e15 { return String(format: "%.2e", value) }
        let scaled = magnitude * 10_000
        guard magnitude < 1e9, !isNearTie(scaled, tolerance: scaled.ulp * 4) else {
            return trimmingZeros(String(format: "%.4f", value))
        }
        let tenThousandths = Int64(scaled.rounded())
        return sign
            + trimmingZeros(String(tenThousandths / 10_000) + "." + zeroPadded(tenThousandths % 10_000, 4))
    }

    private static func trimmingZeros(_ fixed: String) -> String {
        var text = fixed
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Whether `value` is so close to a half that rounding it may not be what rounding
    /// the exact decimal value would be.
    static func isNearTie(_ value: Double, tolerance: Double) -> Bool {
        abs(value - value.rounded(.down) - 0.5) <= tolerance
    }

    /// `5.7e-05` for a positive `value` (1e-300 up to 0.001): one decimal, an exponent
    /// of two digits at least; nil on a rounding tie.
    private static func scientific(_ value: Double) -> String? {
        var exponent = Int(log10(value).rounded(.down))
        var tenths = value / pow(10, Double(exponent)) * 10
        // log10 can land one off near a power of ten.
        if tenths >= 100 {
            exponent += 1
            tenths /= 10
        } else if tenths < 10 {
            exponent -= 1
            tenths *= 10
        }
        guard !isNearTie(tenths, tolerance: 1e-9) else { return nil }
        var rounded = Int64(tenths.rounded())
        if rounded >= 100 {  // 9.96e-05 is 1.0e-04
            exponent += 1
            rounded /= 10
        }
        return "\(rounded / 10).\(rounded % 10)e" + (exponent < 0 ? "-" : "+")
            + zeroPadded(Int64(abs(exponent)), 2)
    }

    /// Characters in `text`: for ASCII, its bytes, without walking grapheme clusters.
    static func width(_ text: String) -> Int {
        let ascii = text.utf8.withContiguousStorageIfAvailable { bytes in bytes.allSatisfy { $0 < 0x80 } }
        return ascii == true ? text.utf8.count : text.count
    }

    static func padRight(_ text: String, _ width: Int) -> String {
        let count = self.width(text)
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    static func padLeft(_ text: String, _ width: Int) -> String {
        let count = self.width(text)
        return count >= width ? text : String(repeating: " ", count: width - count) + text
    }

    /// Keeps the start: model names and messages read from the left.
    static func elideEnd(_ text: String, _ width: Int) -> String {
        guard self.width(text) > width else { return text }
        guard width > 1 else { return String(text.prefix(max(width, 0))) }
        return String(text.prefix(width - 1)) + "…"
    }

    /// Keeps both ends: a fine-tuned model's distinctive part is its suffix and id.
    static func elideMiddle(_ text: String, _ width: Int) -> String {
        guard self.width(text) > width else { return text }
        guard width > 2 else { return String(text.prefix(max(width, 0))) }
        let tail = (width - 1) / 2
        return String(text.prefix(width - 1 - tail)) + "…" + String(text.suffix(tail))
    }

    /// `a / b` rounded down and its remainder, for any `a` (`Int64.min` included) and `b > 0`.
    static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var quotient = a / b
        var remainder = a % b
        if remainder < 0 {
            quotient -= 1
            remainder += b
        }
        return (quotient, remainder)
    }

    /// Howard Hinnant's days-to-civil: exact for any day, no calendar or locale involved.
    static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
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
