import Testing

@testable import FTDModel
@testable import FTDStore

/// The history's reads as `ftd history` and the dashboard make them through `JobStore`.
extension StoreConformanceTests {
    @Test(arguments: StoreBackend.all)
    func aJobsStepsAreReadAsTheCallerAsks(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
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

extension StoreConformanceTests {
    /// What `ftd history` lists from: the summaries folded one at a time are those
    /// `jobSummaries` lists, in its order, under every filter.
    @Test(arguments: StoreBackend.all)
    func summariesFoldedOneAtATimeAreTheListing(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        _ = try await store.record(
            cycle: Self.cycle(
                "a", 100,
                [
                    S.job("ftjob-same", "running", createdAt: 3_000),
                    S.job(
                        "ftjob-abc1", "succeeded", createdAt: 1_000, fineTunedModel: "ft:x", trainedTokens: 42
                    ),
                    S.job(
                        "ftjob-only", "failed", createdAt: 500,
                        error: JobError(code: "e", message: "m", param: nil)),
                ]), rule: Self.rule)
        _ = try await store.record(
            cycle: Self.cycle(
                "b", 100,
                [
                    S.job("ftjob-same", "succeeded", createdAt: 3_100),
                    S.job("ftjob-abc2", "running", createdAt: 2_000),
                ]),
            rule: Self.rule)

        let filters: [(status: String?, account: String?, limit: Int?)] = [
            (nil, nil, nil), ("running", nil, nil), (nil, "b", nil), (nil, nil, 2), ("succeeded", "a", 1),
            (nil, "nobody", nil), ("paused", nil, nil),
        ]
        for (status, account, limit) in filters {
            let listed = try await store.jobSummaries(status: status, account: account, limit: limit)
            let folded = try await store.reduceJobSummaries(
                status: status, account: account, limit: limit, into: [JobSummary]()
            ) { $0.append($1) }
            #expect(
                folded == listed, "status \(status ?? "-"), account \(account ?? "-"), limit \(limit ?? 0)")
        }
        #expect(
            try await store.reduceJobSummaries(status: nil, account: nil, limit: nil, into: 0) { count, _ in
                count += 1
            } == 5)
    }

    /// An error thrown while folding ends the read, and reaches the caller as it is.
    @Test(arguments: StoreBackend.all)
    func anErrorWhileFoldingReachesTheCaller(_ backend: StoreBackend) async throws {
        struct Stop: Error, Equatable {}
        let store = try await backend.make().store
        _ = try await store.record(
            cycle: Self.cycle(100, [S.job("ftjob-a", "running"), S.job("ftjob-b", "running")]),
            rule: Self.rule)
        await #expect(throws: Stop()) {
            try await store.reduceJobSummaries(status: nil, account: nil, limit: nil, into: 0) { _, _ in
                throw Stop()
            }
        }
        // The store still answers.
        #expect(try await store.jobSummaries(status: nil, account: nil, limit: nil).count == 2)
    }
}
