import FTDModel
import Synchronization

/// The daemon's `Heartbeat`, shared by the poller (which reports progress) and the
/// heartbeat service (which asks what to tell systemd), on the monotonic clock.
///
/// `SuspendingClock` is Linux's CLOCK_MONOTONIC, the clock of the poll timer (Dispatch)
/// and of systemd's watchdog: a suspended laptop or a stepped wall clock moves all three
/// alike. (`ContinuousClock` would count the suspension; `Date` follows NTP steps.)
///
/// Each account's poller keeps a `Heartbeat` of its own (SPEC section 8: accounts poll
/// independently); the daemon is healthy while every one of them is.
public final class HealthMonitor: Sendable {
    private struct State {
        var beats: [String: Heartbeat] = [:]
        var ready = false
        var stallBound: Double
    }

    private let state: Mutex<State>
    private let origin = SuspendingClock.now

    public init(stallBound: Double) { state = Mutex(State(stallBound: stallBound)) }

    /// Seconds since the monitor was made.
    public var now: Double {
        (SuspendingClock.now - origin).inSeconds
    }

    private func beat(_ account: String, _ change: (inout Heartbeat) -> Void) {
        state.withLock { state in
            var beat = state.beats[account] ?? Heartbeat(stallBound: state.stallBound)
            change(&beat)
            state.beats[account] = beat
        }
    }

    public func cycleStarted(account: String = DefaultAccount.name) {
        beat(account) { [now] in $0.cycleStarted(at: now) }
    }
    public func progressed(account: String = DefaultAccount.name) {
        beat(account) { [now] in $0.progressed(at: now) }
    }
    public func cycleFinished(nextIn seconds: Double, account: String = DefaultAccount.name) {
        beat(account) { [now] in $0.cycleFinished(at: now, nextIn: seconds) }
    }
    public func rescheduled(nextIn seconds: Double, account: String = DefaultAccount.name) {
        beat(account) { [now] in $0.rescheduled(at: now, nextIn: seconds) }
    }
    public func becameReady() { state.withLock { $0.ready = true } }
    /// The daemon stopped leading a shared store (SPEC section 11): its pollers are gone,
    /// and a standby polls nothing that could stall.
    public func pollersStopped() { state.withLock { $0.beats = [:] } }
    /// The longest stall bound of the accounts' settings.
    public func setStallBound(_ seconds: Double) {
        state.withLock { state in
            state.stallBound = seconds
            for name in state.beats.keys { state.beats[name]?.stallBound = seconds }
        }
    }

    public var isReady: Bool { state.withLock { $0.ready } }

    /// Silent as soon as one account's poller is stuck; else as `Heartbeat.action`.
    public func action(period: Double, watchdogEnabled: Bool) -> Heartbeat.Action {
        state.withLock { [now] state in
            guard state.beats.values.allSatisfy({ $0.isHealthy(at: now) }) else { return .none }
            if !state.ready { return .extendStart(seconds: 3 * period) }
            return watchdogEnabled ? .ping : .none
        }
    }
}
