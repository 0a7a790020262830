import FTDDaemon
import FTDModel
import FTDStore

/// What `ftd demo` shows while the real daemon runs: each status change as its cycle
/// records it, each hook delivery once it is done, and a progress line. It asks the
/// daemon to stop once the job is finished and its deliveries have run.
actor DemoObserver {
    let store: SQLiteStore
    let style: DemoStyle
    let started: ContinuousClock.Instant
    private var progress: DemoProgress
    private var deliveriesShown: Set<String> = []
    /// Why the demo stopped early, when it did.
    private(set) var failure: Failure?
    /// Whether the demo asked the daemon to stop. When it did not, a signal stopped it
    /// (Ctrl-C, SIGTERM): the demo was interrupted, not finished.
    private(set) var askedToStop = false
    /// The demo of a job that never ends by itself (stalled, queued): it ends once an
    /// alert fired and its deliveries ran.
    let endsWithAlert: Bool
    private var alertFired = false

    init(store: SQLiteStore, style: DemoStyle, started: ContinuousClock.Instant, endsWithAlert: Bool = false)
    {
        self.store = store
        self.style = style
        self.started = started
        self.endsWithAlert = endsWithAlert
        self.progress = DemoProgress(style: style, isTTY: Terminal.stdoutIsTTY)
    }

    /// Returns whether the daemon should go on.
    func cycleFinished(_ tick: PollerService.Tick) async -> Bool {
        let goOn = await judge(tick)
        if !goOn { askedToStop = true }
        return goOn
    }

    private func judge(_ tick: PollerService.Tick) async -> Bool {
        let elapsed = ContinuousClock.now - started
        // A cycle that threw (its database refused) ends the demo; one whose requests
        // failed after their retries is retried by the next, as the daemon does.
        guard let report = tick.report else {
            failure = Failure(
                message: "demo: a poll cycle failed: \(tick.outcome.error ?? "unknown error")", code: 1)
            return false
        }
        if elapsed > .seconds(300) {
            failure = Failure(message: "demo: the simulated job did not finish within 5 minutes", code: 1)
            return false
        }
        guard report.recorded else { return true }
        for transition in report.transitions {
            progress.clear()
            Terminal.write(style.transition(transition, elapsed: elapsed))
        }
        for alert in report.alerts {
            progress.clear()
            Terminal.write(style.alert(alert, elapsed: elapsed))
            alertFired = true
        }
        await showFinishedDeliveries()
        if let job = try? await store.jobSummaries(status: nil, limit: 1).first,
            let step = try? await store.jobDetail(job: job.key, latestEvents: 0).steps.last
        {
            progress.show(step: step.step, totalSteps: step.totalSteps, trainLoss: step.trainLoss)
        }
        let pending = (try? await store.pendingDeliveryCount()) ?? 1
        if endsWithAlert, alertFired { return pending > 0 }
        return report.activeJobs > 0 || pending > 0
    }

    /// After the daemon stopped: what finished since the last cycle.
    func finish() async {
        await showFinishedDeliveries()
        progress.clear()
    }

    private func showFinishedDeliveries() async {
        guard let deliveries = try? await store.hookRuns(failedOnly: false, limit: 100) else { return }
        for delivery in deliveries.reversed()
        where delivery.status != "pending" && !deliveriesShown.contains(delivery.deliveryID) {
            deliveriesShown.insert(delivery.deliveryID)
            progress.clear()
            Terminal.write(
                style.dim(
                    "          hook \(delivery.hook) ran for \(delivery.to.hasPrefix(AlertKind.hookPrefix) ? "" : "→ ")\(delivery.to): \(delivery.status), exit \(delivery.lastExitCode.map(String.init) ?? "none")"
                ) + "\n")
        }
    }
}
