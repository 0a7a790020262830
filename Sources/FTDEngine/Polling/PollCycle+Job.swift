import FTDAPI
import FTDModel
import FTDStore

extension PollCycle {
    /// What `syncJob` saw and recorded of one job.
    public struct JobSync: Sendable {
        /// The job as the API answered it.
        public var job: FineTuningJob
        /// Transitions recorded, in order (none when the status did not change).
        public var transitions: [Transition] = []
        /// Events new to the database, oldest first.
        public var newEvents: [JobEvent] = []
        /// The request that failed after its retries while reading events or
        /// checkpoints; the job itself was still recorded.
        public var failure: APIError?
        public var requests = 0
    }

    /// One job, as a command that follows it (`submit`, `watch`, `cancel`) sees it:
    /// retrieve it, read its new events and checkpoints like a cycle, and record them in
    /// one transaction like a cycle, with the configured hooks. It never completes the
    /// baseline (`CycleRecord.completesBaseline`). Throws when the job cannot be retrieved.
    public func syncJob(id: String) async throws -> JobSync {
        let observedAt = clock.now()
        let job = try await api.retrieveJob(id: id)
        return try await sync(job, observedAt: observedAt)
    }

    /// Records a job already in hand (the answer of create, cancel, pause or resume), then
    /// reads its new events and checkpoints.
    /// - Parameter observedAt: when the request that answered `job` was sent: a newer
    ///   observation another process recorded meanwhile wins (`record(cycle:)`).
    public func sync(_ job: FineTuningJob, observedAt: ObservedInstant) async throws -> JobSync {
        var report = JobSync(job: job, requests: 1)
        let stored = try await store.knownJobs(account: account, ids: [job.id])[job.id]
        var record = CycleRecord(observed: observedAt, jobs: [job])
        record.account = account
        record.completesBaseline = false
        record.hooks = hookSource?() ?? hooks
        // Judged like a cycle: the steps a command stores (`ftd watch` reads a job's new
        // events every few seconds) are new to no later cycle, which would never judge them.
        record.alerts = alertSource?() ?? alerts
        // A terminal job whose final sync is done costs nothing, as in a cycle.
        let needsEvents =
            !job.isTerminal || stored.map { $0.needsSync || $0.status != job.status } ?? true
        if needsEvents {
            let result = try await sync(SyncTarget(jobID: job.id, isTerminal: job.isTerminal))
            report.requests += result.requests
            if let failure = result.failure {
                log(failure, jobID: job.id)
                report.failure = failure
            } else {
                if !result.events.isEmpty { record.events[job.id] = result.events }
                record.steps = result.events.compactMap(StepParser.step(from:))
                record.checkpoints = result.checkpoints
                note(result.resumeCursor, jobID: job.id, in: &record)
                if result.completesFinalSync { record.finalSyncCompleted.insert(job.id) }
                report.newEvents = result.events.reversed()
            }
        }
        let recorded = try await store.recordCycle(record, rule: TransitionDetector.rule)
        report.transitions = recorded.transitions
        for transition in report.transitions { log(transition) }
        for alert in recorded.alerts { log(alert) }
        // Counted as a cycle's are: the daemon syncs a job a webhook named through here.
        metrics.recorded(report.transitions)
        metrics.fired(recorded.alerts)
        return report
    }
}
