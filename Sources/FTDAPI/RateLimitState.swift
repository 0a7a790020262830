import Foundation

/// When the next request may start, so that ftd stays polite under rate limits. Pure:
/// times are seconds on a monotonic clock, passed in; `RequestPacer` runs it.
///
/// Three rules, the strictest wins:
/// - **The API's own budget.** When an answer says `x-ratelimit-remaining-requests: 0`,
///   no request starts before `x-ratelimit-reset-requests` has passed. Like `RetryPolicy`
///   with `retry-after`, a wait longer than `maxWait` is not believed (a wrong header
///   must not stall the daemon): the other rules still apply.
/// - **`api.max_requests_per_minute`.** Starts are at least `60 / N` seconds apart.
/// - **A 429 slows everyone down.** A rate-limited answer holds back every request, not
///   only the one retried: none starts before its `retry-after`, and each further 429 in a
///   row doubles a pause between starts (0.5 s, 1 s, 2 s, … up to `maxPenalty`), which
///   the first answer that is not a 429 lifts. A 429 storm thus thins out ftd's requests
///   instead of meeting them with retries from every concurrent job.
public struct RateLimitState: Sendable, Equatable {
    public var minimumSpacing: Double
    public var maxWait: Double
    public var maxPenalty: Double
    public private(set) var notBefore: Double = 0
    public private(set) var lastStart: Double?
    public private(set) var consecutiveRateLimits = 0

    public init(maxRequestsPerMinute: Int? = nil, maxWait: Double = 120, maxPenalty: Double = 30) {
        self.minimumSpacing = maxRequestsPerMinute.map { 60 / Double(max($0, 1)) } ?? 0
        self.maxWait = maxWait
        self.maxPenalty = maxPenalty
    }

    /// The pause between starts that consecutive 429s impose.
    public var penalty: Double {
        consecutiveRateLimits == 0 ? 0 : min(0.5 * pow(2, Double(consecutiveRateLimits - 1)), maxPenalty)
    }

    /// Takes the next start time for a request asked for at `now`.
    public mutating func reserveStart(at now: Double) -> Double {
        var start = max(now, notBefore)
        if let lastStart { start = max(start, lastStart + max(minimumSpacing, penalty)) }
        lastStart = start
        return start
    }

    /// Learns from an answer received at `now`.
    public mutating func observe(status: Int, headers: [(String, String)], at now: Double) {
        if status == 429 {
            consecutiveRateLimits += 1
            if let wait = RetryPolicy.serverDelay(headers: headers, now: Date()), wait >= 0, wait <= maxWait {
                notBefore = max(notBefore, now + wait)
            }
        } else {
            consecutiveRateLimits = 0
        }
        if let remaining = RetryPolicy.header("x-ratelimit-remaining-requests", in: headers)
            .flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), remaining <= 0,
            let reset = RetryPolicy.header("x-ratelimit-reset-requests", in: headers).flatMap(Self.duration),
            reset <= maxWait
        {
            notBefore = max(notBefore, now + reset)
        }
    }

    /// `x-ratelimit-reset-*` values: Go-style durations such as `1s`, `6m0s`, `20ms`,
    /// `1m30.5s`, `2h0m0s`; a bare number is seconds. Nil for anything else.
    public static func duration(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text) { return seconds >= 0 ? seconds : nil }
        var total = 0.0
        var number = ""
        var index = text.startIndex
        var sawUnit = false
        while index < text.endIndex {
            let character = text[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = text.index(after: index)
                continue
            }
            var unit = String(character)
            let next = text.index(after: index)
            if character == "m", next < text.endIndex, text[next] == "s" { unit = "ms" }
            guard let value = Double(number) else { return nil }
            switch unit {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            case "ms": total += value / 1000
            default: return nil
            }
            sawUnit = true
            number = ""
            index = text.index(index, offsetBy: unit.count)
        }
        guard sawUnit, number.isEmpty else { return nil }
        return total
    }
}
