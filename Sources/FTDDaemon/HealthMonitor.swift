import Synchronization

/// The daemon's `Heartbeat`, shared by the poller (which reports progress) and the
/// heartbeat service (which asks what to tell systemd), on the monotonic clock.
///
/// `SuspendingClock` is Linux's CLOCK_MONOTONIC, the clock of the poll timer (Dispatch)
/// and of systemd's watchdog: a suspended laptop or a stepped wall clock moves all three
/// alike. (`ContinuousClock` would count the suspension; `Date` follows NTP steps.)
public final class HealthMonitor: Sendable {
    private let state: Mutex<Heartbeat>
    private let origin = SuspendingClock.now

    public init(stallBound: Double) { state = Mutex(Heartbeat(stallBound: stallBound)) }

    /// Seconds since the monitor was made.
    public var now: Double {
        (SuspendingClock.now - origin).inSeconds
    }

    public func cycleStarted() { state.withLock { [now] in $0.cycleStarted(at: now) } }
    public func progressed() { state.withLock { [now] in $0.progressed(at: now) } }
    public func cycleFinished(nextIn seconds: Double) {
        state.withLock { [now] in $0.cycleFinished(at: now, nextIn: seconds) }
    }
    public func rescheduled(nextIn seconds: Double) {
        state.withLock { [now] in $0.rescheduled(at: now, nextIn: seconds) }
    }
    public func becameReady() { state.withLock { $0.becameReady() } }
    public func setStallBound(_ seconds: Double) { state.withLock { $0.stallBound = seconds } }

    public var isReady: Bool { state.withLock { $0.isReady } }

    public func action(period: Double, watchdogEnabled: Bool) -> Heartbeat.Action {
        state.withLock { [now] in $0.action(at: now, period: period, watchdogEnabled: watchdogEnabled) }
    }
}
