import Foundation
import Testing

@testable import FTDModel
@testable import FTDStore
@testable import FTDTerminal

/// `ftd report` (SPEC section 10) against totals worked out by hand.
struct CostReportTests {
    typealias S = StoreSample
    static let prices = PriceBook(configured: ["gpt-4.1-mini-2025-04-14": 5.0])

    /// November 2026 of the store conformance sample, plus an unpriced group:
    /// default/gpt-3.5-turbo-0125: 9,920 tokens at $8 = $0.07936;
    /// default/gpt-4o-mini-2024-07-18: 1,234,567 + 2,000,000 tokens (and a failed job
    /// without any) at $3 = $3.703701 + $6.00 = $9.703701;
    /// research/gpt-4.1-2025-04-14: 100,000 tokens, no price.
    static let groups = [
        FinishedJobGroup(
            account: "default", model: "gpt-3.5-turbo-0125", jobs: 1, trainedTokens: 9_920, jobsWithTokens: 1),
        FinishedJobGroup(
            account: "default", model: "gpt-4o-mini-2024-07-18", jobs: 3, trainedTokens: 3_234_567,
            jobsWithTokens: 2),
        FinishedJobGroup(
            account: "research", model: "gpt-4.1-2025-04-14", jobs: 1, trainedTokens: 100_000,
            jobsWithTokens: 1),
    ]

    @Test func groupsArePricedAndTheTotalLeavesOutTheUnpriced() throws {
        let report = CostReport(month: UTCMonth("2026-11"), groups: Self.groups, prices: Self.prices)
        #expect(report.groups.map { $0.costUSD.map(JobCost.rounded) } == [0.07936, 9.703701, nil])
        #expect(report.total.jobs == 5)
        #expect(report.total.trainedTokens == 3_344_487)
        #expect(JobCost.rounded(report.total.costUSD) == 9.783061)
        #expect(report.total.unpricedJobs == 1)
        #expect(report.total.jobsWithoutTokens == 1)
    }

    @Test func theJSONIsTheShapeSPECNames() throws {
        let report = CostReport(month: UTCMonth("2026-11"), groups: Self.groups, prices: Self.prices)
        #expect(
            report.json.rendered(pretty: false) == """
                {"month":"2026-11","groups":[\
                {"account":"default","model":"gpt-3.5-turbo-0125","jobs":1,"trained_tokens":9920,"cost_usd":0.07936},\
                {"account":"default","model":"gpt-4o-mini-2024-07-18","jobs":3,"trained_tokens":3234567,"cost_usd":9.703701},\
                {"account":"research","model":"gpt-4.1-2025-04-14","jobs":1,"trained_tokens":100000,"cost_usd":null}],\
                "total":{"jobs":5,"trained_tokens":3344487,"cost_usd":9.783061,"unpriced_jobs":1}}
                """)
        let allTime = CostReport(month: nil, groups: [], prices: Self.prices)
        #expect(
            allTime.json.rendered(pretty: false) == """
                {"month":null,"groups":[],"total":{"jobs":0,"trained_tokens":0,"cost_usd":0.0,"unpriced_jobs":0}}
                """)
    }

    @Test func aPriceInPricesMakesTheGroupCount() {
        var prices = Self.prices
        prices.configured["gpt-4.1-2025-04-14"] = 25
        let report = CostReport(month: nil, groups: Self.groups, prices: prices)
        // + 100,000 tokens at $25 = $2.50
        #expect(JobCost.rounded(report.total.costUSD) == 12.283061)
        #expect(report.total.unpricedJobs == 0)
    }

    @Test func anAzureAccountsGroupIsUnpricedWithoutPrices() {
        let groups = [
            FinishedJobGroup(
                account: "azure-eu", model: "gpt-4o-mini-2024-07-18", jobs: 2, trainedTokens: 1_000_000,
                jobsWithTokens: 2)
        ]
        let report = CostReport(month: nil, groups: groups, prices: PriceBook(azureAccounts: ["azure-eu"]))
        #expect(report.groups.map(\.costUSD) == [nil])
        #expect(report.total.unpricedJobs == 2)
        #expect(report.total.costUSD == 0)
    }

    /// From the store to the numbers: three jobs of gpt-4o-mini written by hand.
    @Test func fromTheStoreThreeJobsOfGpt4oMini() async throws {
        let store = SQLiteStore(try AppDatabase.inMemory())
        let november: Int64 = 1_793_491_200
        _ = try await store.record(
            cycle: CycleRecord(
                observedAt: 100,
                jobs: [
                    S.job("ftjob-1", "succeeded", finishedAt: november + 10, trainedTokens: 1_234_567),
                    S.job("ftjob-2", "succeeded", finishedAt: november + 20, trainedTokens: 765_433),
                    S.job("ftjob-3", "succeeded", finishedAt: november + 30, trainedTokens: 1),
                ]), rule: StoreConformanceTests.rule)
        let report = CostReport(
            month: UTCMonth("2026-11"),
            groups: try await store.finishedJobGroups(FinishedJobsQuery(month: UTCMonth("2026-11"))),
            prices: PriceBook())
        // 1,234,567 at $3 = $3.703701; 765,433 at $3 = $2.296299; 1 token = $0.000003.
        #expect(report.groups.count == 1)
        #expect(report.total.trainedTokens == 2_000_001)
        #expect(JobCost.rounded(report.total.costUSD) == 6.000003)
    }

    @Test func theTableSaysWhatTheTotalLeavesOut() {
        let report = CostReport(month: UTCMonth("2026-11"), groups: Self.groups, prices: Self.prices)
        let text = CostReportView.render(report, width: 100)
        #expect(
            text == """
                Training cost of the jobs that finished in November 2026 (UTC)
                ACCOUNT   MODEL                   JOBS  TRAINED TOKENS   COST
                default   gpt-3.5-turbo-0125         1           9,920  $0.08
                default   gpt-4o-mini-2024-07-18     3       3,234,567  $9.70
                research  gpt-4.1-2025-04-14         1         100,000      -
                total                                5       3,344,487  $9.78 (1 job of a model with no price is not included)

                Only jobs with a finished_at count, each in the UTC month it finished. Prices: [prices] in the
                configuration, else OpenAI's list prices read 2026-12-07 (Azure accounts: [prices] only). 1 job
                finished without trained tokens from the API (failed or cancelled) and adds none.

                """)
    }

    @Test func anEmptyReportSaysSo() {
        let text = CostReportView.render(
            CostReport(month: UTCMonth("2026-10"), groups: [], prices: Self.prices), width: 80,
            accountFilter: "research")
        #expect(
            text.hasPrefix(
                "No job of account research finished in October 2026 (UTC) that ftd has recorded.\n"))
    }

    /// The example of docs/costs.md is what the view prints.
    @Test func theDocumentedExampleIsTheOutput() throws {
        let groups = [
            FinishedJobGroup(
                account: "default", model: "gpt-3.5-turbo-0125", jobs: 2, trainedTokens: 19_840,
                jobsWithTokens: 2),
            FinishedJobGroup(
                account: "default", model: "gpt-4o-mini-2024-07-18", jobs: 3, trainedTokens: 4_567_890,
                jobsWithTokens: 3),
            FinishedJobGroup(
                account: "research", model: "gpt-4.1-2025-04-14", jobs: 1, trainedTokens: 100_000,
                jobsWithTokens: 1),
        ]
        let text = CostReportView.render(
            CostReport(month: UTCMonth("2026-11"), groups: groups, prices: PriceBook()), width: 88)
        let docs = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("docs/costs.md"), encoding: .utf8)
        #expect(docs.contains("$ ftd report --month 2026-11\n" + text), "\(text)")
        // The README shows the table without the footnote.
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let table = try #require(text.components(separatedBy: "\n\n").first)
        #expect(readme.contains("$ ftd report --month 2026-11\n" + table + "\n```"), "\(table)")
    }
}
