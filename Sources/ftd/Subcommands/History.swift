import ArgumentParser
import FTDConfig
import FTDDaemon
import FTDStore
import FTDTerminal
import Foundation

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the jobs in the local database, or one job's whole story.",
        discussion: """
            Reads only the local database: no API key, no network. JOB_ID may be the full \
            id or a unique prefix, with or without `ftjob-`, or ACCOUNT/ID when several \
            accounts hold jobs.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "One job: its transitions, loss steps, checkpoints, events and hook runs.")
    var jobID: String?

    @Option(help: "Only jobs with this status (e.g. running, succeeded, failed).")
    var status: String?

    @Option(help: "At most this many jobs.")
    var limit: Int?

    @Option(help: "Only jobs of this account ([[accounts]] name; `default` for [api]).")
    var account: String?

    @Flag(help: "Print JSON (the format of SPEC section 6) instead of a table.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if jobID != nil, status != nil || limit != nil {
            throw ValidationError("--status and --limit list jobs; leave them out with a JOB_ID")
        }
    }

    func run() async throws {
        let configuration = try global.loadConfiguration()
        let store = try await StoreOpening.openForReading(configuration.storage)
        let color = !json && Terminal.stdoutSupportsColor
        let prices = configuration.priceBook
        let options = HistoryRenderOptions(
            color: color, width: Terminal.width, now: Int64(Date().timeIntervalSince1970), prices: prices)

        // The ACCOUNT column and the header's account follow the database, not the listing:
        // `--account a` on a database holding a and b still says which account it shows.
        var severalAccounts = false
        if !json { severalAccounts = try await store.jobAccounts().count > 1 }
        if let jobID {
            let job = try await store.resolveJob(jobID, account: account)
            if json {
                let detail = try await store.jobDetail(job: job, latestEvents: nil)
                Terminal.write(HistoryJSON.detail(detail, prices: prices).rendered() + "\n")
            } else {
                // The text shows the newest events only, and of the steps what the chart draws.
                let detail = try await store.jobDetail(
                    job: job, latestEvents: JobDetailView.eventCount, steps: .curve)
                Terminal.write(JobDetailView.render(detail, options: options, accounts: severalAccounts))
            }
        } else if json {
            let summaries = try await store.jobSummaries(status: status, account: account, limit: limit)
            if summaries.isEmpty, let account {
                try await Self.checkKnown(account: account, configuration: configuration, store: store)
            }
            Terminal.write(HistoryJSON.summaries(summaries, prices: prices).rendered() + "\n")
        } else {
            // Each job goes into the table as it is read: no array of 10,000 summaries, and
            // the table goes out a piece at a time.
            let rows = try await store.reduceJobSummaries(
                status: status, account: account, limit: limit,
                into: JobTableView.Rows(options: options, accounts: severalAccounts)
            ) { $0.append($1) }
            if rows.isEmpty, let account {
                try await Self.checkKnown(account: account, configuration: configuration, store: store)
            }
            try JobTableView.render(rows, statusFilter: status, accountFilter: account) {
                try Terminal.write($0)
            }
        }
    }

    /// A `--account` that neither the configuration nor the database knows is a typo
    /// (`Research`, `reserch`): an empty list (or "No jobs recorded yet") would say that
    /// the account has no job. An account only in the database (no longer configured) or
    /// only in the configuration (no cycle yet) lists what it has, possibly nothing.
    static func checkKnown(account: String, configuration: Configuration, store: any JobStore) async throws {
        guard configuration.account(named: account) == nil else { return }
        let stored = try await store.storedAccountNames()
        guard !stored.contains(account) else { return }
        var known = configuration.accounts.map(\.name)
        known += stored.filter { !known.contains($0) }
        throw Failure(
            message:
                "no account named \"\(account)\" in the configuration or the database (known: \(known.joined(separator: ", ")))",
            code: Failure.usage)
    }
}
