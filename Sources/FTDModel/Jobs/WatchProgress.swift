/// Where a running job stands: steps done, their rate and the time left.
public struct WatchProgress: Sendable, Equatable {
    public var step: Int
    public var totalSteps: Int?
    /// Steps per second over the recent metrics events; nil until two are apart in time.
    public var rate: Double?
    /// Seconds left: from the API's `estimated_finish` when it gives one, else from the rate.
    public var secondsLeft: Int64?
    /// True when `secondsLeft` is the API's own estimate.
    public var fromEstimatedFinish: Bool

    public var fraction: Double? {
        guard let totalSteps, totalSteps > 0 else { return nil }
        return min(1, Double(step) / Double(totalSteps))
    }

    /// How many recent metrics events the rate is taken over: recent enough to follow a
    /// job that speeds up after its first steps, long enough not to jump with each event.
    static let rateWindow = 20

    /// - Parameter points: `(created_at, step)` of metrics events, oldest first.
    public static func estimate(
        points: [(time: Int64, step: Int)], totalSteps: Int?, estimatedFinish: Int64?, now: Int64
    ) -> WatchProgress? {
        guard let last = points.last else { return nil }
        let window = points.suffix(rateWindow)
        var rate: Double?
        if let first = window.first, last.time > first.time, last.step > first.step {
            // In Double: steps and times come from the API and may be absurd.
            rate = (Double(last.step) - Double(first.step)) / (Double(last.time) - Double(first.time))
        }
        var progress = WatchProgress(
            step: last.step, totalSteps: totalSteps, rate: rate, secondsLeft: nil, fromEstimatedFinish: false)
        if let estimatedFinish, estimatedFinish > 0 {
            progress.secondsLeft = max(0, UnixTime.seconds(from: now, to: estimatedFinish))
            progress.fromEstimatedFinish = true
        } else if let rate, let totalSteps, totalSteps >= last.step {
            // Measured up to the last event, which may be a while ago.
            let left = (Double(totalSteps) - Double(last.step)) / rate - (Double(now) - Double(last.time))
            // A year at most: beyond that the rate says nothing, and Int64(_:) traps on huge values.
            progress.secondsLeft = Int64(min(max(0, left), 366 * 86_400).rounded())
        }
        return progress
    }
}
