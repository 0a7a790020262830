import CoreMetrics
import FTDModel
import FTDStore

/// The poll cycle's counters (SPEC section 9): how each cycle ended
/// (`ftd_poll_cycles_total`) and each status change it recorded (`ftd_transitions_total`).
///
/// Made through swift-metrics, with the factory `ftd run` bootstrapped unless a test
/// passes its own. Counting is an increment in memory: it never waits on the database
/// or delays a cycle.
public struct PollMetrics: Sendable {
    public static let cyclesName = "ftd_poll_cycles_total"
    public static let transitionsName = "ftd_transitions_total"
    public static let alertsName = "ftd_alerts_total"

    let account: String
    let factory: any MetricsFactory

    public init(account: String = DefaultAccount.name, factory: any MetricsFactory = MetricsSystem.factory) {
        self.account = account
        self.factory = factory
    }

    /// A cycle ended: complete, incomplete or failed.
    public func cycleEnded(_ outcome: CycleOutcome) {
        Counter(
            label: Self.cyclesName, dimensions: [("account", account), ("outcome", outcome.result.rawValue)],
            factory: factory
        ).increment()
    }

    /// Status changes a cycle committed. The baseline's are not changes anyone saw happen
    /// (a first look at jobs that existed before ftd), so, as they fire no hook, they are
    /// not counted.
    public func recorded(_ transitions: [Transition]) {
        for transition in transitions where !transition.isBaseline {
            Counter(
                label: Self.transitionsName,
                dimensions: [("account", transition.account), ("to", transition.to)],
                factory: factory
            ).increment()
        }
    }

    /// Alerts a cycle stored (SPEC section 10), each counted once: a kind fires once per job.
    public func fired(_ alerts: [JobAlert]) {
        for alert in alerts {
            Counter(
                label: Self.alertsName,
                dimensions: [("account", alert.account), ("kind", alert.kind.rawValue)],
                factory: factory
            ).increment()
        }
    }
}
