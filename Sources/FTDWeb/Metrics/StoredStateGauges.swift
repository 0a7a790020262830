import FTDModel
import FTDStore
import Prometheus

/// The gauges `/metrics` computes from the store at each scrape: jobs by status, the last
/// complete cycle, pending deliveries, and each active job's step, total and loss. A
/// series the store no longer backs (a job that ended) is unregistered, so it leaves the
/// output instead of showing its last value forever.
struct StoredStateGauges: Sendable {
    /// Always exported, at 0 when no job has them, so that a panel of jobs by status shows
    /// a status emptying rather than a series vanishing; any other status while it has jobs.
    static let usualStatuses = [
        "validating_files", "queued", "running", "paused", "succeeded", "failed", "cancelled",
    ]

    struct Series: Hashable, Sendable {
        var name: String
        var labels: [Label]

        struct Label: Hashable, Sendable {
            var name: String
            var value: String
        }

        init(_ name: String, _ labels: [(String, String)] = []) {
            self.name = name
            self.labels = labels.map { Label(name: $0.0, value: $0.1) }
        }
    }

    /// The configured accounts: each gets the usual statuses, at 0 when it has none.
    let accounts: [String]
    private var published: [Series: Gauge] = [:]

    init(accounts: [String]) { self.accounts = accounts }

    /// The value of every series the snapshot backs.
    func values(_ snapshot: MetricsSnapshot) -> [Series: Double] {
        var values: [Series: Double] = [:]
        for account in Set(accounts).union(snapshot.jobsByStatus.keys) {
            let counts = snapshot.jobsByStatus[account] ?? [:]
            for status in Set(Self.usualStatuses).union(counts.keys) {
                values[Series("ftd_jobs", [("account", account), ("status", status)])] = Double(
                    counts[status] ?? 0)
            }
        }
        values[Series("ftd_hook_deliveries_pending")] = Double(snapshot.pendingDeliveries)
        for (account, at) in snapshot.lastCompleteCycleAt {
            values[Series("ftd_last_complete_cycle_timestamp_seconds", [("account", account)])] = Double(at)
        }
        for job in snapshot.activeJobs {
            let labels = [("account", job.account), ("job_id", job.id)]
            values[Series("ftd_job_step", labels)] = Double(job.step)
            if let total = job.totalSteps { values[Series("ftd_job_total_steps", labels)] = Double(total) }
            if let loss = job.trainLoss { values[Series("ftd_job_train_loss", labels)] = loss }
        }
        return values
    }

    /// Sets every series of the snapshot and unregisters those it no longer has.
    mutating func update(_ snapshot: MetricsSnapshot, in registry: PrometheusCollectorRegistry) {
        let values = values(snapshot)
        for (series, value) in values {
            let gauge =
                published[series]
                ?? registry.makeGauge(
                    descriptor: MetricsCatalog.descriptor(series.name),
                    labels: series.labels.map { ($0.name, $0.value) })
            gauge.set(to: value)
            published[series] = gauge
        }
        for (series, gauge) in published where values[series] == nil {
            registry.unregisterGauge(gauge)
            published[series] = nil
        }
    }
}
