import Foundation

/// When and after how long a failed request is tried again (SPEC section 3 "Faults",
/// following the official SDK). Pure: the clock and the jitter are passed in.
public struct RetryPolicy: Sendable, Equatable {
    /// Further attempts after the first: `1 + maxRetries` attempts in all.
    public var maxRetries: Int
    /// Seconds before the first retry; doubled for each further one.
    public var baseDelay: Double
    /// The longest backoff, in seconds.
    public var maxDelay: Double
    /// The longest server-requested wait that is honoured, in seconds; a longer one
    /// falls back to the backoff so a wrong header cannot stall the daemon.
    public var maxServerDelay: Double

    public init(
        maxRetries: Int, baseDelay: Double = 0.5, maxDelay: Double = 8, maxServerDelay: Double = 120
    ) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxServerDelay = maxServerDelay
    }

    /// - Parameters:
    ///   - attempt: the number of the attempt that just failed, 1 for the first.
    ///   - now: the current time, for `retry-after` given as an HTTP date.
    ///   - jitter: a random fraction in 0...1; the backoff is shortened by up to 25 % of it.
    public func decide(outcome: AttemptOutcome, attempt: Int, now: Date, jitter: Double)
        -> RetryDecision
    {
        guard attempt < 1 + maxRetries, shouldRetry(outcome) else { return .giveUp }
        if case .response(_, let headers) = outcome,
            let seconds = Self.serverDelay(headers: headers, now: now),
            seconds >= 0, seconds <= maxServerDelay
        {
            return .retry(after: .milliseconds(Int64((seconds * 1000).rounded())))
        }
        return .retry(after: backoff(retriesSoFar: attempt - 1, jitter: jitter))
    }

    /// `min(base·2^n, max)` less up to 25 % jitter.
    public func backoff(retriesSoFar: Int, jitter: Double) -> Duration {
        let exponent = Double(min(max(retriesSoFar, 0), 30))
        let full = min(baseDelay * pow(2, exponent), maxDelay)
        let fraction = min(max(jitter, 0), 1)
        return .nanoseconds(Int64((full * (1 - 0.25 * fraction) * 1e9).rounded()))
    }

    private func shouldRetry(_ outcome: AttemptOutcome) -> Bool {
        switch outcome {
        case .transportFailure, .timeout, .malformedBody:
            return true
        case .response(let status, let headers):
            // A rejected key stays rejected: no header can make retrying it useful.
            if status == 401 || status == 403 { return false }
            if (200..<300).contains(status) { return false }
            switch Self.header("x-should-retry", in: headers)?.lowercased() {
            case "true": return true
            case "false": return false
            default: return Self.isRetriedStatus(status)
            }
        }
    }

    public static func isRetriedStatus(_ status: Int) -> Bool {
        status == 408 || status == 409 || status == 429 || status >= 500
    }
}
