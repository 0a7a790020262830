import ArgumentParser
import FTDDaemon
import FTDModel
import FTDStore
import FTDTerminal
import Foundation

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "What the finished jobs cost: jobs, trained tokens and dollars per account and model.",
        discussion: """
            Reads only the local database: no API key, no network. A job counts in the UTC \
            month of its finished_at; jobs that have not finished are not counted. Prices: \
            [prices] in the configuration, else OpenAI's published training prices (Azure \
            accounts: [prices] only); a model with no price is left out of the total, which \
            says how many jobs that is. See docs/costs.md.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp(
            "Only jobs that finished in this month, UTC (default: all time).", valueName: "YYYY-MM"))
    var month: String?

    @Option(help: "Only jobs of this account ([[accounts]] name; `default` for [api]).")
    var account: String?

    @Flag(help: "Print JSON: {month, groups: [{account, model, jobs, trained_tokens, cost_usd}], total}.")
    var json = false

    func run() async throws {
        // A usage error says so in one line, before the configuration or the database is read.
        var period: UTCMonth?
        if let month {
            guard let parsed = UTCMonth(month) else {
                throw Failure(
                    message:
                        "--month: expected a month as YYYY-MM, like 2026-11, got \"\(TerminalSanitizer.clean(month))\"",
                    code: Failure.usage)
            }
            period = parsed
        }
        let configuration = try global.loadConfiguration()
        let store = try await StoreOpening.openForReading(configuration.storage)
        let groups = try await store.finishedJobGroups(FinishedJobsQuery(month: period, account: account))
        if groups.isEmpty, let account {
            try await History.checkKnown(account: account, configuration: configuration, store: store)
        }
        let report = CostReport(month: period, groups: groups, prices: configuration.priceBook)
        Terminal.write(
            json
                ? report.json.rendered() + "\n"
                : CostReportView.render(report, width: Terminal.width, accountFilter: account))
    }
}
