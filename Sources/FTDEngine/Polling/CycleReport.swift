import FTDAPI
import FTDModel

/// What one poll cycle did, for logs, exit codes and the daemon's schedule.
public struct CycleReport: Sendable {
    /// Transitions committed by this cycle, in order.
    public var transitions: [Transition] = []
    /// Alerts judged and stored after the cycle was recorded (SPEC section 10).
    public var alerts: [JobAlert] = []
    /// Requests that still failed after their retries.
    public var failures: [APIError] = []
    /// True when the cycle's facts were committed (discovery succeeded).
    public var recorded = false
    /// Jobs not yet terminal after the cycle: picks `interval` or `idle_interval`.
    public var activeJobs = 0
    /// Requests the cycle sent, retries not counted.
    public var requests = 0

    public init() {}

    public var credentialsRejected: Bool { failures.contains { $0.isCredentialsRejected } }
}
