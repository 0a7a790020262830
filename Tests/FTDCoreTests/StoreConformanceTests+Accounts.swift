import Testing

@testable import FTDConfig
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// Several accounts in one store (SPEC section 8): a job is (account, id), each account
/// has its own baseline, and every read can tell the accounts apart.
extension StoreConformanceTests {
    static func cycle(
        _ account: String, _ at: Int64, _ jobs: [FineTuningJob], hooks: [HookSettings] = []
    ) -> CycleRecord {
        var record = cycle(at, jobs, hooks: hooks)
        record.account = account
        return record
    }

    static func key(_ account: String, _ id: String) -> JobKey { JobKey(account: account, id: id) }

    /// One account's look at `ftjob-same`: the same job, event and checkpoint ids as the
    /// other account's (two simulators with one seed), with values of its own.
    static func sameIDs(_ account: String, at: Int64, status: String, loss: Double) -> CycleRecord {
        var record = cycle(account, at, [S.job("ftjob-same", status, model: "model-\(account)")])
        record.events["ftjob-same"] = [
            S.event("ev-2", job: "ftjob-same", at: 20, "\(account) second"),
            S.event("ev-1", job: "ftjob-same", at: 10, "\(account) first"),
        ]
        record.steps = [LossStep(jobID: "ftjob-same", step: 1, totalSteps: 10, trainLoss: loss)]
        record.checkpoints = [
            Checkpoint(
                id: "ftckpt-1", jobID: "ftjob-same", createdAt: 15, stepNumber: 1,
                fineTunedModelCheckpoint: "ft:\(account):ckpt-1")
        ]
        record.eventResumeCursors["ftjob-same"] = "ev-1-\(account)"
        return record
    }

    @Test(arguments: StoreBackend.all)
    func twoAccountsHoldTheSameJobEventAndCheckpointIDsApart(_ backend: StoreBackend) async throws {
        let (store, reopen) = try await backend.make()
        _ = try await store.record(
            cycle: Self.sameIDs("a", at: 100, status: "running", loss: 1.5), rule: Self.rule)
        _ = try await store.record(
            cycle: Self.sameIDs("b", at: 110, status: "succeeded", loss: 0.25), rule: Self.rule)

        for (account, status, loss) in [("a", "running", 1.5), ("b", "succeeded", 0.25)] {
            let detail = try await store.jobDetail(job: Self.key(account, "ftjob-same"), latestEvents: nil)
            #expect(detail.summary.account == account)
            #expect(detail.summary.status == status)
            #expect(detail.summary.model == "model-\(account)")
            #expect(detail.summary.lastTrainLoss == loss)
            #expect(detail.events.map(\.message) == ["\(account) first", "\(account) second"])
            #expect(detail.steps.map(\.trainLoss) == [loss])
            #expect(detail.checkpoints.map(\.fineTunedModelCheckpoint) == ["ft:\(account):ckpt-1"])
            #expect(detail.transitions.map(\.account) == [account])
            #expect(detail.transitions.map(\.to) == [status])
            #expect(
                try await store.storedEventIDs(job: Self.key(account, "ftjob-same"), among: ["ev-1", "ev-9"])
                    == ["ev-1"])
            #expect(
                try await store.eventResumeCursor(job: Self.key(account, "ftjob-same")) == "ev-1-\(account)")
            #expect(
                try await store.knownJobs(account: account, ids: ["ftjob-same"])["ftjob-same"]?.status
                    == status)
        }
        #expect(
            try await store.jobSummaries(status: nil, limit: nil).map(\.key.description).sorted() == [
                "a/ftjob-same", "b/ftjob-same",
            ])
        #expect(try await store.jobsNeedingSync(account: "a").map(\.id) == ["ftjob-same"])
        #expect(try await store.jobsNeedingSync(account: "b").map(\.id) == ["ftjob-same"])
        #expect(try await store.jobsNeedingSync(account: "c").isEmpty)

        // b's final sync and its cursor's end are b's alone.
        var finished = Self.cycle("b", 120, [S.job("ftjob-same", "succeeded")])
        finished.finalSyncCompleted = ["ftjob-same"]
        finished.eventResumeCleared = ["ftjob-same"]
        _ = try await store.record(cycle: finished, rule: Self.rule)
        #expect(try await store.jobsNeedingSync(account: "b").isEmpty)
        #expect(try await store.jobsNeedingSync(account: "a").map(\.id) == ["ftjob-same"])
        #expect(try await store.eventResumeCursor(job: Self.key("a", "ftjob-same")) == "ev-1-a")
        #expect(try await store.eventResumeCursor(job: Self.key("b", "ftjob-same")) == nil)

        // An event of a job its account does not hold is not kept, though another's does.
        var stray = Self.cycle("c", 130, [])
        stray.events["ftjob-same"] = [S.event("ev-3", job: "ftjob-same", at: 30)]
        _ = try await store.record(cycle: stray, rule: Self.rule)
        #expect(try await store.storedEventIDs(job: Self.key("c", "ftjob-same"), among: ["ev-3"]).isEmpty)
        #expect(try await store.storedEventIDs(job: Self.key("a", "ftjob-same"), among: ["ev-3"]).isEmpty)

        let reopened = try await reopen()
        #expect(
            try await reopened.jobDetail(job: Self.key("a", "ftjob-same"), latestEvents: nil).events.map(
                \.message)
                == ["a first", "a second"])
        #expect(try await reopened.storedJob(Self.key("a", "ftjob-same")).status == "running")
        #expect(try await reopened.storedJob(Self.key("b", "ftjob-same")).status == "succeeded")
    }

    /// An account added to a running installation: its first cycle is its baseline and
    /// fires nothing, while the first account's transitions go on firing (SPEC section 8).
    @Test(arguments: StoreBackend.all)
    func eachAccountHasItsOwnBaseline(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        let hooks = [Self.everyStatus]
        _ = try await store.record(
            cycle: Self.cycle("a", 100, [S.job("ftjob-a1", "running")], hooks: hooks), rule: Self.rule)
        #expect(try await store.baselineCompleted(account: "a"))
        #expect(try await store.baselineCompleted(account: "b") == false)

        let second = try await store.record(
            cycle: Self.cycle(
                "b", 200, [S.job("ftjob-b1", "running"), S.job("ftjob-b2", "succeeded")], hooks: hooks),
            rule: Self.rule)
        #expect(second.map(\.isBaseline) == [true, true])
        #expect(second.map(\.account) == ["b", "b"])
        #expect(try await store.baselineCompleted(account: "b"))
        #expect(try await store.pendingDeliveries().isEmpty)

        let later = try await store.record(
            cycle: Self.cycle(
                "a", 300, [S.job("ftjob-a1", "succeeded"), S.job("ftjob-a2", "queued")], hooks: hooks),
            rule: Self.rule)
        #expect(later.map(\.isBaseline) == [false, false])
        let pending = try await store.pendingDeliveries()
        #expect(pending.map(\.transition.job.description) == ["a/ftjob-a1", "a/ftjob-a2"])

        // b's own later cycles fire too.
        _ = try await store.record(
            cycle: Self.cycle("b", 400, [S.job("ftjob-b1", "failed")], hooks: hooks), rule: Self.rule)
        #expect(try await store.pendingDeliveries().map(\.transition.job.description).last == "b/ftjob-b1")
        let status = try await store.daemonStatus()
        #expect(status.account(named: "a")?.baselineCompletedAt == 100)
        #expect(status.account(named: "b")?.baselineCompletedAt == 200)
    }

    @Test(arguments: StoreBackend.all)
    func aHookListingAccountsIsEnqueuedOnlyForThem(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        let onlyB = HookSettings(
            name: "only-b", on: ["*"], command: .shell("true"), retries: 0, accounts: ["b"])
        let hooks = [Self.everyStatus, onlyB]
        for account in ["a", "b"] {
            _ = try await store.record(cycle: Self.cycle(account, 100, [], hooks: hooks), rule: Self.rule)
        }
        for account in ["a", "b"] {
            _ = try await store.record(
                cycle: Self.cycle(account, 200, [S.job("ftjob-same", "queued")], hooks: hooks),
                rule: Self.rule)
        }
        let pending = try await store.pendingDeliveries()
        #expect(
            pending.map { "\($0.transition.job) \($0.hook)" } == [
                "a/ftjob-same every", "b/ftjob-same every", "b/ftjob-same only-b",
            ])
        #expect(pending.allSatisfy { $0.job.id == "ftjob-same" })
        // The run of one account's delivery is that account's, in the job's history.
        let run = try await store.beginAttempt(deliveryID: pending[2].id, startedAt: 210)
        try await store.finishAttempt(
            runID: run.runID,
            result: HookRunResult(exitCode: 0, timedOut: false, startedAt: 210, durationMs: 1),
            cutByStop: false)
        #expect(
            try await store.jobDetail(job: Self.key("b", "ftjob-same"), latestEvents: nil).hookRuns.map(
                \.hook)
                == ["only-b"])
        #expect(
            try await store.jobDetail(job: Self.key("a", "ftjob-same"), latestEvents: nil).hookRuns.isEmpty)
    }

    @Test(arguments: StoreBackend.all)
    func historyListsResolvesAndNamesJobsAcrossAccounts(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        #expect(try await store.jobAccounts().isEmpty)
        _ = try await store.record(
            cycle: Self.cycle(
                "a", 100,
                [
                    S.job("ftjob-same", "running", createdAt: 3_000),
                    S.job("ftjob-abc1", "succeeded", createdAt: 1_000),
                    S.job("ftjob-only", "failed", createdAt: 500),
                ]), rule: Self.rule)
        #expect(try await store.jobAccounts() == ["a"])
        _ = try await store.record(
            cycle: Self.cycle(
                "b", 100,
                [
                    S.job("ftjob-same", "succeeded", createdAt: 3_100),
                    S.job("ftjob-abc2", "running", createdAt: 2_000),
                ]),
            rule: Self.rule)
        #expect(try await store.jobAccounts() == ["a", "b"])

        let all = try await store.jobSummaries(status: nil, account: nil, limit: nil)
        #expect(
            all.map(\.key.description) == [
                "b/ftjob-same", "a/ftjob-same", "b/ftjob-abc2", "a/ftjob-abc1", "a/ftjob-only",
            ])
        #expect(
            try await store.jobSummaries(status: nil, account: "b", limit: nil).map(\.id) == [
                "ftjob-same", "ftjob-abc2",
            ])
        #expect(
            try await store.jobSummaries(status: "running", account: "a", limit: nil).map(\.id) == [
                "ftjob-same"
            ])
        #expect(
            try await store.jobSummaries(status: nil, account: "a", limit: 1).map(\.key.description) == [
                "a/ftjob-same"
            ])
        #expect(try await store.jobSummaries(status: nil, account: "nobody", limit: nil).isEmpty)

        // `account/id` names one; so does the account given apart, or the only holder.
        #expect(try await store.resolveJob("b/ftjob-same", account: nil) == Self.key("b", "ftjob-same"))
        #expect(try await store.resolveJob("a/same", account: nil) == Self.key("a", "ftjob-same"))
        #expect(try await store.resolveJob("ftjob-same", account: "b") == Self.key("b", "ftjob-same"))
        #expect(try await store.resolveJob("abc", account: "b") == Self.key("b", "ftjob-abc2"))
        #expect(try await store.resolveJob("ftjob-on", account: nil) == Self.key("a", "ftjob-only"))
        #expect(try await store.resolveJob("a/ftjob-same", account: "a") == Self.key("a", "ftjob-same"))

        // The same id, or one prefix, in several accounts: ambiguous, listed as account/id.
        await #expect(
            throws: StoreError.ambiguousJob(
                input: "ftjob-same", candidates: ["a/ftjob-same", "b/ftjob-same"])
        ) { try await store.resolveJob("ftjob-same", account: nil) }
        await #expect(
            throws: StoreError.ambiguousJob(input: "abc", candidates: ["a/ftjob-abc1", "b/ftjob-abc2"])
        ) {
            try await store.resolveJob("abc", account: nil)
        }
        // Within one account, ids alone.
        await #expect(
            throws: StoreError.ambiguousJob(
                input: "a/ftjob-", candidates: ["ftjob-abc1", "ftjob-only", "ftjob-same"])
        ) {
            try await store.resolveJob("a/ftjob-", account: nil)
        }
        // A job another account holds, or an account at odds with --account, is unknown.
        await #expect(throws: StoreError.unknownJob(input: "b/ftjob-only")) {
            try await store.resolveJob("b/ftjob-only", account: nil)
        }
        await #expect(throws: StoreError.unknownJob(input: "ftjob-only")) {
            try await store.resolveJob("ftjob-only", account: "b")
        }
        await #expect(throws: StoreError.unknownJob(input: "a/ftjob-same")) {
            try await store.resolveJob("a/ftjob-same", account: "b")
        }
        let message = "\(StoreError.ambiguousJob(input: "x", candidates: ["a/ftjob-x", "b/ftjob-x"]))"
        #expect(message.contains("a/ftjob-x, b/ftjob-x"))
        #expect(message.contains("ACCOUNT/ID"), "typing more of a shared id cannot help: \(message)")
    }

    @Test(arguments: StoreBackend.all)
    func theMetricsSnapshotCountsEachAccountApart(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        var a = Self.cycle("a", 100, [S.job("ftjob-same", "running"), S.job("ftjob-a", "succeeded")])
        a.steps = [LossStep(jobID: "ftjob-same", step: 3, totalSteps: 10, trainLoss: 1.5)]
        var b = Self.cycle("b", 100, [S.job("ftjob-same", "running"), S.job("ftjob-b", "running")])
        b.steps = [LossStep(jobID: "ftjob-same", step: 8, totalSteps: 20, trainLoss: 0.5)]
        _ = try await store.record(cycle: a, rule: Self.rule)
        _ = try await store.record(cycle: b, rule: Self.rule)
        try await store.recordCycleOutcome(CycleOutcome(finishedAt: 120, result: .complete), account: "a")
        try await store.recordCycleOutcome(
            CycleOutcome(finishedAt: 130, result: .failed, error: "x"), account: "b")

        let snapshot = try await store.metricsSnapshot()
        #expect(snapshot.jobsByStatus == ["a": ["running": 1, "succeeded": 1], "b": ["running": 2]])
        #expect(
            snapshot.activeJobs == [
                ActiveJobProgress(
                    account: "a", id: "ftjob-same", status: "running", step: 3, totalSteps: 10, trainLoss: 1.5
                ),
                ActiveJobProgress(account: "b", id: "ftjob-b", status: "running"),
                ActiveJobProgress(
                    account: "b", id: "ftjob-same", status: "running", step: 8, totalSteps: 20, trainLoss: 0.5
                ),
            ])
        #expect(snapshot.lastCompleteCycleAt == ["a": 120])
    }

    @Test(arguments: StoreBackend.all)
    func eachAccountKeepsItsOwnLastCycleAndError(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        _ = try await store.record(
            cycle: Self.cycle("a", 100, [S.job("ftjob-same", "running"), S.job("ftjob-a", "succeeded")]),
            rule: Self.rule)
        _ = try await store.record(
            cycle: Self.cycle("b", 100, [S.job("ftjob-same", "queued")]), rule: Self.rule)
        let aFailed = CycleOutcome(finishedAt: 110, result: .failed, error: "GET /fine_tuning/jobs: 401")
        let aComplete = CycleOutcome(finishedAt: 150, result: .complete, requests: 2)
        let bIncomplete = CycleOutcome(finishedAt: 140, result: .incomplete, failedRequests: 1, error: "503")
        try await store.recordCycleOutcome(aFailed, account: "a")
        try await store.recordCycleOutcome(bIncomplete, account: "b")
        try await store.recordCycleOutcome(aComplete, account: "a")
        // An account with a cycle but no job yet (its list was empty, or failed).
        let cFailed = CycleOutcome(finishedAt: 145, result: .failed, error: "unreachable")
        try await store.recordCycleOutcome(cFailed, account: "c")

        let status = try await store.daemonStatus()
        #expect(status.accounts.map(\.name) == ["a", "b", "c"])
        let a = try #require(status.account(named: "a"))
        #expect(a.lastCycle == aComplete)
        #expect(a.lastError == aFailed)
        #expect(a.lastCompleteCycleAt == 150)
        #expect((a.jobs, a.activeJobs) == (2, 1))
        let b = try #require(status.account(named: "b"))
        #expect(b.lastCycle == bIncomplete)
        #expect(b.lastError == bIncomplete)
        #expect(b.lastCompleteCycleAt == nil)
        #expect((b.jobs, b.activeJobs) == (1, 1))
        let c = try #require(status.account(named: "c"))
        #expect(c.lastCycle == cFailed)
        #expect((c.jobs, c.baselineCompletedAt) == (0, nil))
        #expect(status.lastCycle == aComplete)
        #expect(status.lastError == cFailed)
        #expect((status.jobs, status.activeJobs) == (3, 2))
    }
}
