import Testing

@testable import FTDModel
@testable import FTDStore

/// The history's reads as `ftd history` and the dashboard make them through `JobStore`.
extension StoreConformanceTests {
    @Test(arguments: StoreBackend.all)
    func aJobsStepsAreReadAsTheCallerAsks(_ backend: StoreBackend) async throws {
        let store = try backend.make().store
        var record = Self.cycle(100, [S.job("ftjob-a", "running")])
        record.steps = (1...3).map {
            LossStep(jobID: "ftjob-a", step: $0, totalSteps: 3, trainLoss: 2 / Double($0), validLoss: 1)
        }
        _ = try await store.record(cycle: record, rule: Self.rule)
        let key = JobKey(account: DefaultAccount.name, id: "ftjob-a")

        let all = try await store.jobDetail(
            job: key, latestEvents: nil, skippingMetricsEvents: false, steps: .all)
        #expect(all.steps == record.steps)
        #expect(all.curve == nil)
        #expect(try await store.jobDetail(job: key, latestEvents: nil) == all)

        let none = try await store.jobDetail(job: key, latestEvents: nil, steps: .none)
        #expect(none.steps.isEmpty && none.curve == nil)
        #expect(none.summary == all.summary)

        // What `ftd history JOB` draws: the curve of every step, and no steps whole.
        let curve = try await store.jobDetail(job: key, latestEvents: nil, steps: .curve)
        #expect(curve.steps.isEmpty)
        #expect(curve.curve == LossCurve(record.steps))
        #expect(curve.curve?.final?.totalSteps == 3)
    }
}
