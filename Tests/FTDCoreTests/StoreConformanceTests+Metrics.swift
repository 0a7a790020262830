import Testing

@testable import FTDConfig
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// The one read `/metrics` makes at each scrape, as every backend must answer it.
extension StoreConformanceTests {
    @Test(arguments: StoreBackend.all)
    func theMetricsSnapshotCountsJobsAndFollowsActiveOnes(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        #expect(try await store.metricsSnapshot() == MetricsSnapshot())
        _ = try await store.record(cycle: Self.cycle(100, []), rule: Self.rule)  // the baseline
        var cycle = Self.cycle(
            200,
            [
                S.job("ftjob-run", "running"), S.job("ftjob-new", "queued"), S.job("ftjob-done", "succeeded"),
                S.job("ftjob-also", "succeeded"),
            ], hooks: [Self.everyStatus])
        cycle.steps = [
            LossStep(jobID: "ftjob-run", step: 1, totalSteps: 30, trainLoss: 2.5),
            LossStep(jobID: "ftjob-run", step: 7, totalSteps: 30, trainLoss: 1.25),
            LossStep(jobID: "ftjob-done", step: 30, totalSteps: 30, trainLoss: 0.5),
        ]
        _ = try await store.record(cycle: cycle, rule: Self.rule)
        let snapshot = try await store.metricsSnapshot()
        #expect(snapshot.defaultJobsByStatus == ["running": 1, "queued": 1, "succeeded": 2])
        #expect(
            snapshot.activeJobs == [
                ActiveJobProgress(id: "ftjob-new", status: "queued"),
                ActiveJobProgress(
                    id: "ftjob-run", status: "running", step: 7, totalSteps: 30, trainLoss: 1.25),
            ])
        #expect(snapshot.pendingDeliveries == 4)
        #expect(snapshot.lastCompleteCycleAt.isEmpty)
    }

    /// An incomplete cycle after a complete one must not hide when the last complete one
    /// ended: that is what "the daemon is not cycling" alerts on.
    @Test(arguments: StoreBackend.all)
    func theLastCompleteCycleOutlivesLaterIncompleteOnes(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        try await store.recordCycleOutcome(CycleOutcome(finishedAt: 120, result: .complete))
        #expect(try await store.metricsSnapshot().lastCompleteCycleAt == ["default": 120])
        try await store.recordCycleOutcome(CycleOutcome(finishedAt: 130, result: .incomplete))
        try await store.recordCycleOutcome(CycleOutcome(finishedAt: 140, result: .failed))
        #expect(try await store.metricsSnapshot().lastCompleteCycleAt == ["default": 120])
        try await store.recordCycleOutcome(CycleOutcome(finishedAt: 150, result: .complete))
        #expect(try await store.metricsSnapshot().lastCompleteCycleAt == ["default": 150])
    }
}
