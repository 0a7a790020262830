import Foundation

extension RetryPolicy {
    /// The wait the server asked for, in seconds: `retry-after-ms` first, then
    /// `retry-after` as seconds or as an HTTP date (relative to `now`). nil when neither
    /// header is there or readable.
    public static func serverDelay(headers: [(String, String)], now: Date) -> Double? {
        if let text = header("retry-after-ms", in: headers), let milliseconds = Double(text),
            milliseconds.isFinite
        {
            return milliseconds / 1000
        }
        guard let text = header("retry-after", in: headers) else { return nil }
        if let seconds = Double(text), seconds.isFinite { return seconds }
        return httpDate(text).map { $0.timeIntervalSince(now) }
    }

    static func header(_ name: String, in headers: [(String, String)]) -> String? {
        headers.first { $0.0.lowercased() == name }.map { $0.1.trimmingCharacters(in: .whitespaces) }
    }

    /// IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`), the form RFC 9110 requires.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
