import FTDAPI
import FTDConfig

/// Decides what the daemon tells systemd's watchdog, from the poller's progress. Pure:
/// times are seconds on a monotonic clock, passed in.
///
/// The poller is healthy while it keeps its appointments: between cycles, until its next
/// tick is due (plus `stallBound`); inside a cycle, until `stallBound` after the last sign
/// of progress (the cycle's start, or an HTTP attempt that ended, answered or not). A cycle
/// stuck anywhere else (a lock, a bug) stops the pings, and systemd's watchdog fires.
///
/// Before `READY=1` there is no watchdog yet; a first sync that is still making progress
/// asks systemd for more start time instead (`EXTEND_TIMEOUT_USEC`), so a large account
/// does not fail `TimeoutStartSec=`.
public struct Heartbeat: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Feed the watchdog (`WATCHDOG=1`).
        case ping
        /// Ask for this much more start-up time (`EXTEND_TIMEOUT_USEC`).
        case extendStart(seconds: Double)
        /// Stay silent: the poller is stuck (or nothing is due).
        case none
    }

    /// The longest a healthy cycle goes without progress: one request's timeout, the
    /// longest server-requested wait honoured, and room for the database work between.
    public var stallBound: Double
    public private(set) var isReady = false
    public private(set) var inCycle = false
    /// Nil until the first cycle starts.
    public private(set) var deadline: Double?

    public init(stallBound: Double) { self.stallBound = stallBound }

    /// `api.request_timeout` + the longest `retry-after` honoured + 30 s for the database.
    public static func stallBound(api: APISettings, retryPolicy: RetryPolicy? = nil) -> Double {
        let policy = retryPolicy ?? RetryPolicy(maxRetries: api.maxRetries)
        return api.requestTimeout + max(policy.maxServerDelay, policy.maxDelay) + 30
    }

    public mutating func cycleStarted(at now: Double) {
        inCycle = true
        deadline = now + stallBound
    }

    /// An HTTP attempt ended: the cycle is moving.
    public mutating func progressed(at now: Double) {
        guard inCycle else { return }
        deadline = max(deadline ?? now, now + stallBound)
    }

    /// The cycle ended (recorded or failed); the next one is due in `nextIn` seconds.
    public mutating func cycleFinished(at now: Double, nextIn: Double) {
        inCycle = false
        deadline = now + max(nextIn, 0) + stallBound
    }

    /// The timer moved (a reload changed the interval): between cycles the next tick is
    /// now `nextIn` seconds away.
    public mutating func rescheduled(at now: Double, nextIn: Double) {
        guard !inCycle, deadline != nil else { return }
        deadline = now + max(nextIn, 0) + stallBound
    }

    public mutating func becameReady() { isReady = true }

    public func isHealthy(at now: Double) -> Bool {
        guard let deadline else { return true }
        return now <= deadline
    }

    /// What to send on a heartbeat tick every `period` seconds. Before `READY=1`, the
    /// start is extended by three periods at a time, enough to reach the next tick.
    public func action(at now: Double, period: Double, watchdogEnabled: Bool) -> Action {
        guard isHealthy(at: now) else { return .none }
        if !isReady { return .extendStart(seconds: 3 * period) }
        return watchdogEnabled ? .ping : .none
    }
}
