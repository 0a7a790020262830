import FTDModel

/// The formatters `ftd history`'s table calls for every job, writing UTF-8 bytes in place:
/// building a `String` per number, from smaller strings, was most of the table's time on
/// 10,000 jobs. The `String` formatters of `TerminalText` are these, made strings, so
/// that both say the same by construction.
extension TerminalText {
    /// The bytes `body` appends, as a string.
    static func text(_ body: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        body(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func append(_ text: String, to out: inout [UInt8]) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { out.append(contentsOf: $0) }
        if done == nil { out.append(contentsOf: text.utf8) }
    }

    /// `value` in decimal with at least `width` digits (`printf`'s `%0*lld`).
    static func appendZeroPadded(_ value: Int64, _ width: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, least significant first
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            let zeros = max(width - (value < 0 ? 1 : 0) - count, 0)
            if zeros > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: zeros)) }
            var index = count
            while index > 0 {
                index -= 1
                out.append(buffer[index])
            }
        }
    }

    static func appendDecimal(_ value: Int64, to out: inout [UInt8]) { appendZeroPadded(value, 0, to: &out) }

    static func appendASCII(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    static func appendUTCDate(_ time: Int64, to out: inout [UInt8]) {
        let (year, month, day) = civilDate(daysSinceEpoch: floorDivide(time, 86_400).0)
        appendZeroPadded(year, 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendZeroPadded(month, 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendZeroPadded(day, 2, to: &out)
    }

    /// `45s`, `3m04s`, `1h02m`, `3d04h`: see `duration(_:)`.
    static func appendDuration(_ seconds: Int64, to out: inout [UInt8]) {
        let s = max(seconds, 0)
        let (major, minor, units): (Int64, Int64, (UInt8, UInt8)?) =
            switch s {
            case ..<60: (s, 0, nil)
            case ..<3600: (s / 60, s % 60, (UInt8(ascii: "m"), UInt8(ascii: "s")))
            case ..<86_400: (s / 3600, s % 3600 / 60, (UInt8(ascii: "h"), UInt8(ascii: "m")))
            default: (s / 86_400, s % 86_400 / 3600, (UInt8(ascii: "d"), UInt8(ascii: "h")))
            }
        appendDecimal(major, to: &out)
        guard let units else { return out.append(UInt8(ascii: "s")) }
        out.append(units.0)
        appendZeroPadded(minor, 2, to: &out)
        out.append(units.1)
    }

    /// `12m ago` for the last week, then the date: see `relative(_:now:)`.
    static func appendRelative(_ time: Int64, now: Int64, to out: inout [UInt8]) {
        let age = UnixTime.seconds(from: time, to: now)
        switch age {
        case ..<0: appendUTCDate(time, to: &out)
        case ..<60: appendASCII("just now", to: &out)
        case ..<3600:
            appendDecimal(age / 60, to: &out)
            appendASCII("m ago", to: &out)
        case ..<86_400:
            appendDecimal(age / 3600, to: &out)
            appendASCII("h ago", to: &out)
        case ..<(7 * 86_400):
            appendDecimal(age / 86_400, to: &out)
            appendASCII("d ago", to: &out)
        default: appendUTCDate(time, to: &out)
        }
    }

    /// `1.52`, `0.0012`, `5.7e-05`: see `loss(_:)`. The usual range by hand, the rest
    /// through it.
    static func appendLoss(_ value: Double, to out: inout [UInt8]) {
        let magnitude = abs(value)
        let scaled = magnitude * 10_000
        guard value.isFinite, magnitude >= 0.001, magnitude < 1e9,
            !isNearTie(scaled, tolerance: scaled.ulp * 4)
        else { return append(loss(value), to: &out) }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let tenThousandths = Int64(scaled.rounded())
        appendDecimal(tenThousandths / 10_000, to: &out)
        var fraction = tenThousandths % 10_000
        guard fraction > 0 else { return }
        out.append(UInt8(ascii: "."))
        var digits = 4
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        appendZeroPadded(fraction, digits, to: &out)
    }

    /// `$12.34`, `$1,234.50`, `<$0.01`: see `dollars(_:)`.
    static func appendDollars(_ usd: Double, to out: inout [UInt8]) {
        let magnitude = abs(usd)
        guard usd.isFinite, magnitude >= 0.005 || magnitude == 0, magnitude < 1e15 else {
            return append(dollars(usd), to: &out)
        }
        if usd < 0 { out.append(UInt8(ascii: "-")) }
        out.append(UInt8(ascii: "$"))
        let cents = Int64((magnitude * 100).rounded())
        appendGrouped(cents / 100, to: &out)
        out.append(UInt8(ascii: "."))
        appendZeroPadded(cents % 100, 2, to: &out)
    }

    /// A job's cost for a table: `$12.34`, `~$1.20` for an estimate, `-` when unknown.
    static func appendCost(_ cost: JobCost?, to out: inout [UInt8]) {
        guard let cost else { return out.append(UInt8(ascii: "-")) }
        if cost.isEstimate { out.append(UInt8(ascii: "~")) }
        appendDollars(cost.usd, to: &out)
    }

    /// `1,234,567`.
    static func appendGrouped(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        guard magnitude >= 1000 else { return appendDecimal(Int64(magnitude), to: &out) }
        // The leading group, then every group of three, each zero-padded.
        var divisor: UInt64 = 1
        while magnitude / divisor >= 1000 { divisor *= 1000 }
        appendDecimal(Int64(magnitude / divisor), to: &out)
        while divisor > 1 {
            divisor /= 1000
            out.append(UInt8(ascii: ","))
            appendZeroPadded(Int64(magnitude / divisor % 1000), 3, to: &out)
        }
    }
}
