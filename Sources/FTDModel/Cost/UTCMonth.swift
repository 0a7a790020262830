/// A calendar month in UTC, `YYYY-MM`: the period `ftd report --month` totals (SPEC
/// section 10: a job counts in the month of its `finished_at`, in UTC).
public struct UTCMonth: Sendable, Hashable, CustomStringConvertible {
    public var year: Int
    /// 1 to 12.
    public var month: Int

    /// Nil unless `year` is 1 to 9999 and `month` 1 to 12.
    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// `2026-11`: four digits, a dash, two digits, and a month that exists; nil otherwise.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
            bytes.enumerated().allSatisfy({
                $0.offset == 4 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0.element)
            }),
            let year = Int(text.prefix(4)), let month = Int(text.suffix(2))
        else { return nil }
        self.init(year: year, month: month)
    }

    /// `2026-11`.
    public var description: String {
        let year = String(self.year)
        let month = String(self.month)
        return String(repeating: "0", count: 4 - year.count) + year + "-"
            + (month.count == 1 ? "0" : "") + month
    }

    /// Unix seconds of the month's first instant, 00:00:00 UTC on its first day.
    public var start: Int64 { Self.unixSeconds(year: year, month: month) }

    /// Unix seconds of the next month's first instant: the month is `start..<end`.
    public var end: Int64 {
        month == 12
            ? Self.unixSeconds(year: year + 1, month: 1) : Self.unixSeconds(year: year, month: month + 1)
    }

    /// Whether `instant` (unix seconds) falls in this month, UTC.
    public func contains(_ instant: Int64) -> Bool { instant >= start && instant < end }

    /// Days since 1970-01-01 of the first of the month, by the proleptic Gregorian
    /// calendar (Howard Hinnant's days_from_civil), times 86,400: pure arithmetic, no
    /// time zone or locale to get wrong.
    static func unixSeconds(year: Int, month: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Int64(days) * 86_400
    }
}
