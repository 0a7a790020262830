import Dispatch

/// The poller's clock: a `DispatchSourceTimer` whose ticks arrive as an `AsyncStream`.
///
/// The stream keeps only the newest undelivered tick, so when a cycle runs longer than
/// the interval the next one starts as soon as it ends, never alongside it, and missed
/// ticks do not pile up into a burst of cycles.
public final class CycleTimer: Sendable {
    /// `DispatchSource` (the concrete class) is Sendable on Linux, unlike the
    /// `DispatchSourceTimer` existential; all its methods are thread-safe.
    private let source: DispatchSource
    private let continuation: AsyncStream<Void>.Continuation
    public let ticks: AsyncStream<Void>

    /// The first tick comes at once, then one every `interval`.
    public init(interval: Duration, queue: DispatchQueue = DispatchQueue(label: "ftd.cycle-timer")) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        // The factory's concrete type is DispatchSource on every platform.
        let source = DispatchSource.makeTimerSource(queue: queue) as! DispatchSource
        source.setEventHandler { continuation.yield() }
        continuation.onTermination = { _ in source.cancel() }
        self.source = source
        self.continuation = continuation
        self.ticks = stream
        source.schedule(
            deadline: .now(), repeating: Self.dispatchInterval(interval), leeway: .milliseconds(50))
        source.activate()
    }

    /// Moves the next tick to `interval` from now and keeps that period.
    public func reschedule(every interval: Duration) {
        let period = Self.dispatchInterval(interval)
        source.schedule(deadline: .now() + period, repeating: period, leeway: .milliseconds(50))
    }

    /// Stops the timer and ends the tick stream.
    public func cancel() {
        source.cancel()
        continuation.finish()
    }

    deinit { cancel() }

    static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}
