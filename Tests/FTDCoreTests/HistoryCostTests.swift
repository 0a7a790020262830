import Foundation
import Testing

@testable import FTDModel
@testable import FTDStore
@testable import FTDTerminal

/// A job's cost in `ftd history` and its JSON (SPEC section 10): final from its trained
/// tokens, `~` and `cost_estimated` from `ftd submit`'s estimate while it runs, unknown
/// (`-`, null) without a price.
struct HistoryCostTests {
    static let now: Int64 = 1_715_600_000
    static let prices = PriceBook(azureAccounts: ["azure-eu"])

    static let finished = JobSummary(
        id: "ftjob-done", status: "succeeded", model: "gpt-4o-mini-2024-07-18", createdAt: now - 600,
        finishedAt: now - 60, trainedTokens: 1_234_567, estimatedTrainedTokens: 900_000)
    static let running = JobSummary(
        id: "ftjob-run", status: "running", model: "gpt-3.5-turbo-0125", createdAt: now - 60,
        estimatedTrainedTokens: 150_000)
    static let unpriced = JobSummary(
        id: "ftjob-new", status: "succeeded", model: "gpt-4.1-2025-04-14", createdAt: now - 900,
        finishedAt: now - 100, trainedTokens: 5_000)
    static let azure = JobSummary(
        account: "azure-eu", id: "ftjob-az", status: "succeeded", model: "gpt-4o-mini-2024-07-18",
        createdAt: now - 900, finishedAt: now - 100, trainedTokens: 5_000)
    static let failed = JobSummary(
        id: "ftjob-failed", status: "failed", model: "gpt-3.5-turbo-0125", createdAt: now - 900,
        finishedAt: now - 100, estimatedTrainedTokens: 150_000)

    static func json(_ job: JobSummary) throws -> (cost: JSONValue?, estimated: JSONValue?) {
        let value = HistoryJSON.summary(job, prices: prices)
        return (value["cost_usd"], value["cost_estimated"])
    }

    @Test func theJSONCarriesTheCostAndWhetherItIsAnEstimate() throws {
        #expect(try Self.json(Self.finished) == (.double(3.703701), .bool(false)))
        #expect(try Self.json(Self.running) == (.double(1.2), .bool(true)))
        #expect(try Self.json(Self.unpriced) == (.null, .bool(false)))
        #expect(try Self.json(Self.azure) == (.null, .bool(false)))
        #expect(try Self.json(Self.failed) == (.null, .bool(false)))
        let rendered = HistoryJSON.summaries([Self.finished], prices: Self.prices).rendered(pretty: false)
        #expect(rendered.contains(#""trained_tokens":1234567,"cost_usd":3.703701,"cost_estimated":false,"#))
    }

    @Test func theTableShowsDollarsAnEstimateWithATildeAndUnknownAsADash() {
        let options = HistoryRenderOptions(width: 200, now: Self.now, prices: Self.prices)
        let table = JobTableView.render(
            [Self.finished, Self.running, Self.unpriced, Self.azure, Self.failed], options: options,
            accounts: true)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0].contains("LOSS    COST  FINE-TUNED MODEL"), "\(table)")
        let costs = lines.dropFirst().map { line in
            line.split(separator: " ").map(String.init).first { $0.hasPrefix("$") || $0.hasPrefix("~$") }
                ?? "-"
        }
        #expect(costs == ["$3.70", "~$1.20", "-", "-", "-"], "\(table)")
    }

    @Test(arguments: [
        (3.703701, "$3.70"), (1234.5, "$1,234.50"), (1_000_000, "$1,000,000.00"), (0.004, "<$0.01"),
        (0.005, "$0.01"), (0, "$0.00"), (12.346, "$12.35"),
    ])
    func dollarsAreRoundedToTheCent(_ usd: Double, _ text: String) {
        #expect(TerminalText.dollars(usd) == text)
    }

    @Test func theDetailSaysTheCostAndWhyThereIsNone() {
        let options = HistoryRenderOptions(width: 120, now: Self.now, prices: Self.prices)
        func costLine(_ job: JobSummary) -> String? {
            JobDetailView.render(JobDetail(summary: job), options: options)
                .split(separator: "\n").first { $0.hasPrefix("  cost") }.map(String.init)
        }
        #expect(costLine(Self.finished) == "  cost      $3.70")
        #expect(
            costLine(Self.running)
                == "  cost      ~$1.20 (estimated: ~150,000 tokens, from ftd submit's check of the training file)"
        )
        #expect(
            costLine(Self.unpriced) == "  cost      - (no price for gpt-4.1-2025-04-14: add it to [prices])")
        #expect(
            costLine(Self.azure)
                == "  cost      - (an Azure account's jobs are priced from [prices] only: add gpt-4o-mini-2024-07-18 there)"
        )
        #expect(costLine(Self.failed) == nil)
        #expect(costLine(JobSummary(id: "ftjob-q", status: "queued", model: "gpt-4o-mini-2024-07-18")) == nil)
    }
}
