import CoreMetrics
import FTDStore

/// `ftd_hook_runs_total{hook,status}` (SPEC section 9): each hook attempt that ran to its
/// end, by how it ended (succeeded, failed, timed_out).
public struct HookMetrics: Sendable {
    public static let runsName = "ftd_hook_runs_total"

    let factory: any MetricsFactory

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    public func ran(hook: String, outcome: HookRunResult.Outcome) {
        Counter(
            label: Self.runsName, dimensions: [("hook", hook), ("status", outcome.rawValue)], factory: factory
        )
        .increment()
    }
}
