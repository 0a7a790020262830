import FTDAPI
import FTDConfig
import FTDModel
import FTDStore
import Logging

/// One full poll cycle of SPEC section 3: discover, record, events, steps, checkpoints.
///
/// Everything the cycle learns is gathered in memory and committed in one transaction at
/// the end, so a cycle cut short (a failed request, a cancelled task, a killed process)
/// leaves the database exactly as the previous cycle left it, or with only complete
/// batches. A job's events are kept only when their paging reached a stored event or the
/// end of the list, so no gap can hide behind a stored event. The baseline alone is
/// committed in parts when it is large (`baselinePartEvents`): a first sync of 10,000 jobs
/// would otherwise hold a million events, 1.1 GB, in memory.
public struct PollCycle: Sendable {
    public struct PageSizes: Sendable {
        public var jobs = 100
        public var events = 100
        public var checkpoints = 100
        public init() {}
    }

    let api: any FineTuningAPI
    let store: any PollStore
    let logger: Logger
    /// The account this cycle looks at (SPEC section 8): every request goes to its API,
    /// every row it records and every line it logs carries its name.
    public var account = DefaultAccount.name
    /// Stamps each look at the API; see `ObservedInstant`.
    public let clock: ObservationClock
    public var pageSizes = PageSizes()
    /// Jobs synced at once; bounded so a first sync of a large account stays polite.
    public var concurrency = 4
    /// A baseline is committed in parts of about this many events or jobs, so that
    /// memory stays bounded (about 1 KB an event); a smaller one is one transaction.
    public var baselinePartEvents = 50_000
    public var baselinePartJobs = 2_000
    /// The most pages one cycle reads of one list: a list that never ends (a buggy or
    /// hostile server answering `has_more` forever with fresh ids) must neither hold the
    /// cycle nor fill memory. A job's events past the limit are read by the next cycles
    /// (`PollStore.eventResumeCursor`); a jobs or checkpoints list past it is an error of
    /// that request: no real account has 100,000 fine-tuning jobs, nor a job 10,000
    /// checkpoints.
    public var pageLimits = PageLimits()

    public struct PageLimits: Sendable {
        public var jobs = 1_000
        public var events = 500
        public var checkpoints = 100
        public init() {}
    }
    /// Each non-baseline transition becomes a pending delivery for every hook that fires
    /// on its new status, committed with the cycle.
    public var hooks: [HookSettings] = []
    /// When set, wins over `hooks` and is read when the cycle commits: a reload during a
    /// cycle reaches its transitions.
    public var hookSource: (@Sendable () -> [HookSettings])?
    /// The thresholds alerts are judged by after each recorded cycle (SPEC section 10);
    /// nil judges none. `alertSource`, when set, wins and is read when the cycle commits,
    /// so a reload reaches the next judging.
    public var alerts: AlertThresholds?
    public var alertSource: (@Sendable () -> AlertThresholds)?
    /// Whether log lines name jobs with their account: the daemon sets it when several
    /// accounts are configured.
    public var namesAccount = false
    /// Counts the status changes the cycle records (`ftd_transitions_total`).
    public var metrics = PollMetrics()

    /// - Parameter now: unix seconds, for a test that pins the clock; each look still gets
    ///   an instant of its own within that second (`ObservationClock`).
    public init(
        api: any FineTuningAPI, store: any PollStore, logger: Logger, now: (@Sendable () -> Int64)? = nil
    ) {
        self.init(
            api: api, store: store, logger: logger,
            clock: now.map { ObservationClock(unixSeconds: $0) } ?? .system)
    }

    public init(api: any FineTuningAPI, store: any PollStore, logger: Logger, clock: ObservationClock) {
        self.api = api
        self.store = store
        self.logger = logger
        self.clock = clock
    }

    @Sendable public static func unixNow() -> Int64 { WallClock.unixSeconds() }

    /// Runs the cycle. Request failures are reported, not thrown; a database failure or
    /// cancellation throws, and then nothing of the cycle is recorded.
    public func run() async throws -> CycleReport {
        var report = CycleReport()
        defer { logger.debug("cycle done", metadata: ["cycle.requests": "\(report.requests)"]) }
        let observedAt = clock.now()
        let baselineDone = try await store.baselineCompleted(account: account)

        var observed = ObservedJobs()
        do {
            try await discover(into: &observed, baselineDone: baselineDone, report: &report)
        } catch let error as APIError {
            log(error, jobID: nil)
            report.failures.append(error)
            report.activeJobs = try await activeJobCount()
            return report
        }

        let unfinished = try await store.jobsNeedingSync(account: account)
        for known in unfinished where !JobStatus.isTerminal(known.status) && !observed.contains(known.id) {
            guard !report.credentialsRejected else { break }
            do {
                report.requests += 1
                observed.add(try await api.retrieveJob(id: known.id))
            } catch let error as APIError {
                log(error, jobID: known.id)
                report.failures.append(error)
            }
        }

        let targets = try await syncTargets(observed: observed, unfinished: unfinished)
        let order = Dictionary(uniqueKeysWithValues: targets.enumerated().map { ($1.jobID, $0) })
        var pending: [JobSyncResult] = []
        var pendingEvents = 0
        var committed: Set<String> = []
        if !report.credentialsRejected {
            try await sync(targets) { result in
                pending.append(result)
                pendingEvents += result.events.count
                // The baseline of a large account holds every event it ever had: it is
                // committed in parts, each job whole with its events, so memory stays
                // bounded. Only the baseline: until it is recorded every cycle lists the
                // whole account again, so a part committed before a crash hides nothing.
                guard !baselineDone, pendingEvents >= baselinePartEvents || pending.count >= baselinePartJobs
                else { return }
                let ids = Set(pending.map(\.jobID))
                try await commit(
                    observed.jobs.filter { ids.contains($0.id) }, pending, at: observedAt, final: false,
                    report: &report)
                committed.formUnion(ids)
                pending.removeAll()
                pendingEvents = 0
            }
        }
        pending.sort { order[$0.jobID, default: 0] < order[$1.jobID, default: 0] }
        try await commit(
            observed.jobs.filter { !committed.contains($0.id) }, pending, at: observedAt, final: true,
            report: &report)
        report.recorded = true
        report.activeJobs = try await activeJobCount()
        return report
    }

    /// Records `jobs` with what `results` read of them in one transaction; only the
    /// `final` part of a cycle may complete the baseline.
    private func commit(
        _ jobs: [FineTuningJob], _ results: [JobSyncResult], at observedAt: ObservedInstant, final: Bool,
        report: inout CycleReport
    ) async throws {
        var record = CycleRecord(observed: observedAt, jobs: jobs)
        record.account = account
        record.hooks = hookSource?() ?? hooks
        record.alerts = alertSource?() ?? alerts
        record.completesBaseline = final
        for result in results {
            report.requests += result.requests
            if let failure = result.failure {
                log(failure, jobID: result.jobID)
                report.failures.append(failure)
                continue
            }
            if !result.events.isEmpty { record.events[result.jobID] = result.events }
            record.steps += result.events.compactMap(StepParser.step(from:))
            record.checkpoints += result.checkpoints
            note(result.resumeCursor, jobID: result.jobID, in: &record)
            if result.completesFinalSync { record.finalSyncCompleted.insert(result.jobID) }
        }
        let recorded = try await store.recordCycle(record, rule: TransitionDetector.rule)
        for transition in recorded.transitions { log(transition) }
        for alert in recorded.alerts { log(alert) }
        metrics.recorded(recorded.transitions)
        metrics.fired(recorded.alerts)
        report.transitions += recorded.transitions
        report.alerts += recorded.alerts
    }

    private func activeJobCount() async throws -> Int {
        try await store.jobsNeedingSync(account: account).filter { !JobStatus.isTerminal($0.status) }.count
    }

    /// Lists jobs newest first: the whole list until the baseline exists, afterwards only
    /// until a page holds nothing new.
    private func discover(
        into observed: inout ObservedJobs, baselineDone: Bool, report: inout CycleReport
    ) async throws {
        var after: String?
        var cursors = ListCursors("jobs", endpoint: "GET /fine_tuning/jobs", maxPages: pageLimits.jobs)
        repeat {
            report.requests += 1
            let page = try await api.listJobs(after: after, limit: pageSizes.jobs)
            page.data.forEach { observed.add($0) }
            if baselineDone {
                let known = try await store.knownJobs(account: account, ids: page.data.map(\.id))
                if page.data.allSatisfy({ known[$0.id] != nil }) { return }
            }
            guard page.hasMore, let last = page.data.last else { return }
            after = try cursors.follow(last.id)
        } while true
    }

    private func syncTargets(observed: ObservedJobs, unfinished: [KnownJob]) async throws -> [SyncTarget] {
        let stored = try await store.knownJobs(account: account, ids: observed.ids)
        var targets: [SyncTarget] = []
        for job in observed.jobs {
            let previous = stored[job.id]
            if !job.isTerminal {
                targets.append(SyncTarget(jobID: job.id, isTerminal: false))
            } else if previous.map({ $0.needsSync }) ?? true {
                // Became terminal now, first seen terminal, or an earlier final sync failed.
                targets.append(SyncTarget(jobID: job.id, isTerminal: true))
            }
        }
        for known in unfinished where JobStatus.isTerminal(known.status) && !observed.contains(known.id) {
            targets.append(SyncTarget(jobID: known.id, isTerminal: true))
        }
        return targets
    }

    /// Syncs `targets`, `concurrency` at a time, handing each result to `take` as it
    /// arrives (in no particular order).
    private func sync(_ targets: [SyncTarget], take: (JobSyncResult) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: JobSyncResult.self) { group in
            var pending = targets[...]
            for _ in 0..<max(1, concurrency) {
                guard let target = pending.popFirst() else { break }
                group.addTask { try await self.sync(target) }
            }
            while let result = try await group.next() {
                try await take(result)
                if let target = pending.popFirst() {
                    group.addTask { try await self.sync(target) }
                }
            }
        }
    }

    /// Events from the top until a stored one, then checkpoints when an event announced
    /// one or the job ended. All or nothing: a failure drops the job's batch, so the next
    /// cycle reads the same events (and their checkpoint cue) again.
    func sync(_ target: SyncTarget) async throws -> JobSyncResult {
        var result = JobSyncResult(jobID: target.jobID)
        do {
            var budget = pageLimits.events
            // From the top, down to what is stored.
            var pager = EventPager()
            var next = try await readEvents(
                of: target.jobID, after: nil, into: &pager, budget: &budget, &result)
            var events = pager.newEvents
            if let next {
                // The budget ran out above what is stored: the next cycles read on from here.
                result.resumeCursor = .set(next)
            } else if let gap = try await store.eventResumeCursor(
                job: JobKey(account: account, id: target.jobID))
            {
                // An earlier cycle's budget ran out: read on below it, to the list's end.
                var backfill = EventPager(stopsAtStoredEvents: false)
                next = try await readEvents(
                    of: target.jobID, after: gap, into: &backfill, budget: &budget, &result)
                let seen = Set(events.map(\.id))
                events += backfill.newEvents.filter { !seen.contains($0.id) }
                result.resumeCursor = next.map { .set($0) } ?? .clear
            }

            if target.isTerminal || events.contains(where: \.announcesCheckpoint) {
                result.checkpoints = try await allCheckpoints(jobID: target.jobID, requests: &result.requests)
            }
            result.events = events
            // A final sync is complete only when no part of the events is left unread.
            result.completesFinalSync = target.isTerminal && next == nil
        } catch let error as APIError {
            result = JobSyncResult(jobID: target.jobID, requests: result.requests, failure: error)
        }
        return result
    }

    private func allCheckpoints(jobID: String, requests: inout Int) async throws -> [Checkpoint] {
        var checkpoints: [Checkpoint] = []
        var seen: Set<String> = []
        var after: String?
        var cursors = ListCursors(
            "checkpoints", endpoint: "GET /fine_tuning/jobs/\(jobID)/checkpoints",
            maxPages: pageLimits.checkpoints)
        repeat {
            requests += 1
            let page = try await api.listCheckpoints(jobID: jobID, after: after, limit: pageSizes.checkpoints)
            checkpoints += page.data.filter { seen.insert($0.id).inserted }
            guard page.hasMore, let last = page.data.last else { break }
            after = try cursors.follow(last.id)
        } while true
        return checkpoints
    }

    /// How a log line names a job: `account/ftjob-…` once there are several accounts
    /// (`namesAccount`), the bare id otherwise, as before.
    func jobName(_ id: String) -> String { namesAccount ? "\(account)/\(id)" : id }

    func log(_ error: APIError, jobID: String?) {
        var metadata: Logger.Metadata = ["http.endpoint": "\(error.endpoint)"]
        if namesAccount { metadata["account"] = "\(account)" }
        if let jobID { metadata["job.id"] = "\(jobID)" }
        if let status = error.httpStatus { metadata["http.status"] = "\(status)" }
        if let requestID = error.requestID { metadata["http.request_id"] = "\(requestID)" }
        logger.warning("request failed: \(error)", metadata: metadata)
    }

    func log(_ alert: JobAlert) {
        var metadata: Logger.Metadata = ["job.id": "\(alert.jobID)", "alert.kind": "\(alert.kind.rawValue)"]
        if namesAccount { metadata["account"] = "\(account)" }
        logger.warning(
            "\(jobName(alert.jobID)): alert \(alert.kind.rawValue): \(alert.detail)", metadata: metadata)
    }

    func log(_ transition: Transition) {
        var metadata: Logger.Metadata = [
            "job.id": "\(transition.jobID)", "job.status": "\(transition.to)",
            "job.previous_status": "\(transition.from ?? "")",
        ]
        if namesAccount { metadata["account"] = "\(account)" }
        let suffix = transition.isBaseline ? " (baseline)" : ""
        logger.notice(
            "\(jobName(transition.jobID)): \(transition.from ?? "new") → \(transition.to)\(suffix)",
            metadata: metadata
        )
    }
}
