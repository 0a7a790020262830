import Testing

@testable import FTDConfig
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// What jobs cost (SPEC section 10), as every backend must store and read it: the
/// estimate `ftd submit` stores with a job, and the finished jobs `ftd report` totals,
/// each in the UTC month of its `finished_at`.
extension StoreConformanceTests {
    /// 2026-11-30T23:59:59Z and 2026-12-01T00:00:00Z.
    static let lastSecondOfNovember: Int64 = 1_796_083_199
    static let firstSecondOfDecember: Int64 = 1_796_083_200

    @Test(arguments: StoreBackend.all)
    func anEstimateIsStoredWithItsJobReplacedAndKeptApartPerAccount(_ backend: StoreBackend) async throws {
        let (store, reopen) = try await backend.make()
        let a = Self.key("a", "ftjob-x")
        let b = Self.key("b", "ftjob-x")
        #expect(try await store.estimate(job: a) == nil)
        // Before the job's first record: `ftd submit` stores it as soon as the id is known.
        try await store.recordEstimate(
            TrainingEstimate(job: a, trainedTokens: 30_000, epochs: 3, estimatedAt: 100))
        try await store.recordEstimate(
            TrainingEstimate(job: b, trainedTokens: 7, epochs: 1, estimatedAt: 101))
        try await store.recordEstimate(
            TrainingEstimate(job: a, trainedTokens: 40_000, epochs: 4, estimatedAt: 102))
        let reopened = try await reopen()
        #expect(
            try await reopened.estimate(job: a)
                == TrainingEstimate(job: a, trainedTokens: 40_000, epochs: 4, estimatedAt: 102))
        #expect(try await reopened.estimate(job: b)?.trainedTokens == 7)
        #expect(try await reopened.estimate(job: Self.key("a", "ftjob-y")) == nil)
    }

    @Test(arguments: StoreBackend.all)
    func aJobsSummaryCarriesItsEstimate(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        try await store.recordEstimate(
            TrainingEstimate(
                job: Self.key("a", "ftjob-x"), trainedTokens: 30_000, epochs: 3, estimatedAt: 100))
        _ = try await store.record(
            cycle: Self.cycle(
                "a", 100, [S.job("ftjob-x", "running"), S.job("ftjob-y", "running", createdAt: 1)]),
            rule: Self.rule)
        let summaries = try await store.jobSummaries(status: nil, account: nil, limit: nil)
        #expect(summaries.map(\.id) == ["ftjob-x", "ftjob-y"])
        #expect(summaries.map(\.estimatedTrainedTokens) == [30_000, nil])
        let detail = try await store.jobDetail(job: Self.key("a", "ftjob-x"), latestEvents: nil)
        #expect(detail.summary.estimatedTrainedTokens == 30_000)
        let page = try await store.jobOverview(OverviewQuery())
        #expect(page.jobs.map(\.summary.estimatedTrainedTokens) == [30_000, nil])
    }

    /// Four accounts' and models' jobs around the end of November, by hand.
    static func finishedJobs() -> [CycleRecord] {
        let nov = lastSecondOfNovember
        let dec = firstSecondOfDecember
        return [
            cycle(
                "default", 100,
                [
                    S.job("ftjob-1", "succeeded", finishedAt: nov, trainedTokens: 1_234_567),
                    S.job("ftjob-2", "succeeded", finishedAt: nov - 86_400, trainedTokens: 2_000_000),
                    S.job("ftjob-3", "failed", finishedAt: nov - 3_600),
                    S.job("ftjob-4", "succeeded", finishedAt: dec, trainedTokens: 500_000),
                    S.job("ftjob-5", "running"),
                    S.job(
                        "ftjob-6", "succeeded", model: "gpt-3.5-turbo-0125", finishedAt: nov - 10,
                        trainedTokens: 9_920),
                ]),
            cycle(
                "research", 100,
                [
                    S.job(
                        "ftjob-1", "succeeded", model: "gpt-4.1-2025-04-14", finishedAt: nov - 5,
                        trainedTokens: 100_000)
                ]),
        ]
    }

    @Test(arguments: StoreBackend.all)
    func finishedJobsAreGroupedByAccountAndModelInTheirUTCMonth(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        for record in Self.finishedJobs() { _ = try await store.record(cycle: record, rule: Self.rule) }

        let november = try await store.finishedJobGroups(FinishedJobsQuery(month: UTCMonth("2026-11")))
        #expect(
            november == [
                FinishedJobGroup(
                    account: "default", model: "gpt-3.5-turbo-0125", jobs: 1, trainedTokens: 9_920,
                    jobsWithTokens: 1),
                FinishedJobGroup(
                    account: "default", model: "gpt-4o-mini-2024-07-18", jobs: 3, trainedTokens: 3_234_567,
                    jobsWithTokens: 2),
                FinishedJobGroup(
                    account: "research", model: "gpt-4.1-2025-04-14", jobs: 1, trainedTokens: 100_000,
                    jobsWithTokens: 1),
            ])
        let december = try await store.finishedJobGroups(FinishedJobsQuery(month: UTCMonth("2026-12")))
        #expect(
            december == [
                FinishedJobGroup(
                    account: "default", model: "gpt-4o-mini-2024-07-18", jobs: 1, trainedTokens: 500_000,
                    jobsWithTokens: 1)
            ])
        #expect(try await store.finishedJobGroups(FinishedJobsQuery(month: UTCMonth("2026-10"))) == [])

        // All time: every job with a finished_at, the running one not.
        let all = try await store.finishedJobGroups(FinishedJobsQuery())
        #expect(all.map(\.jobs) == [1, 4, 1])
        #expect(all.map(\.trainedTokens) == [9_920, 3_734_567, 100_000])

        let research = try await store.finishedJobGroups(FinishedJobsQuery(account: "research"))
        #expect(research.map(\.account) == ["research"])
        #expect(try await store.finishedJobGroups(FinishedJobsQuery(account: "nobody")) == [])
    }
}
