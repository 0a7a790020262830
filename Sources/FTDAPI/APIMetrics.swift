import CoreMetrics
import FTDModel

/// The client's metrics (SPEC section 9): every HTTP attempt counted by endpoint and
/// answer (`ftd_api_requests_total`) and timed (`ftd_api_request_duration_seconds`), a
/// retry being an attempt of its own.
///
/// Made through swift-metrics: `ftd run` bootstraps the Prometheus factory, a command
/// that does not gets the no-op one, and a test passes a factory of its own.
public struct APIMetrics: Sendable {
    public static let requestsName = "ftd_api_requests_total"
    public static let durationName = "ftd_api_request_duration_seconds"

    let account: String
    let factory: any MetricsFactory

    public init(account: String = DefaultAccount.name, factory: any MetricsFactory = MetricsSystem.factory) {
        self.account = account
        self.factory = factory
    }

    /// One attempt that ended: `code` is the HTTP status, or `error` when no answer came
    /// (a transport failure, a timeout, a body that could not be sent).
    func attempted(_ endpoint: APIEndpoint, code: String, duration: Duration) {
        let kind = Self.kind(of: endpoint)
        Counter(
            label: Self.requestsName, dimensions: [("account", account), ("endpoint", kind), ("code", code)],
            factory: factory
        ).increment()
        CoreMetrics.Timer(
            label: Self.durationName, dimensions: [("account", account), ("endpoint", kind)], factory: factory
        ).recordNanoseconds(Self.nanoseconds(duration))
    }

    /// The `endpoint` label: a few kinds, never an id, so that the series stay few.
    /// A job's actions (cancel, pause, resume) are requests about that job: `job`.
    public static func kind(of endpoint: APIEndpoint) -> String {
        let path = endpoint.segments
        if path.first == "files" { return "files" }
        guard path.count >= 2, path[0] == "fine_tuning", path[1] == "jobs" else { return "other" }
        switch path.count {
        case 2: return "jobs"
        case 3: return "job"
        case 4:
            switch path[3] {
            case "events": return "events"
            case "checkpoints": return "checkpoints"
            case "cancel", "pause", "resume": return "job"
            default: return "other"
            }
        default: return "other"
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
