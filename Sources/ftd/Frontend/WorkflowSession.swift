import ArgumentParser
import AsyncHTTPClient
import FTDAPI
import FTDConfig
import FTDDaemon
import FTDEngine
import FTDModel
import FTDStore
import Foundation
import Logging

/// `--account NAME`: which configured account a workflow command talks to. Required when
/// several are configured (SPEC section 8); with one, that one.
struct AccountOption: ParsableArguments {
    @Option(help: "The account ([[accounts]] name) to use; required when several are configured.")
    var account: String?

    /// The account named, or the only one; a usage error (64) otherwise.
    func select(in configuration: Configuration) throws -> AccountSettings {
        let names = configuration.accounts.map(\.name).joined(separator: ", ")
        if let account {
            guard let settings = configuration.account(named: account) else {
                throw Failure(
                    message: "no account named \"\(account)\": the configuration has \(names)",
                    code: Failure.usage)
            }
            return settings
        }
        guard configuration.accounts.count == 1 else {
            throw Failure(
                message: "several accounts are configured (\(names)): say which with --account NAME",
                code: Failure.usage)
        }
        return configuration.accounts[0]
    }
}

/// What a workflow command (`submit`, `watch`, `cancel`, `pause`, `resume`, `try`) works
/// with: the configuration, one account's API, and the database it records into, like
/// the daemon.
struct WorkflowSession {
    let configuration: Configuration
    /// The account the command talks to.
    let account: AccountSettings
    let api: OpenAIClient
    let store: any JobStore
    /// Records what the command sees of a job as a cycle of its account would (`PollCycle.sync`).
    let cycle: PollCycle
    let logger: Logger

    /// Loads the configuration and the account's key, opens the database and the
    /// process's HTTP client for `body`.
    static func with<T>(
        _ global: GlobalOptions, account option: AccountOption, _ body: (WorkflowSession) async throws -> T
    ) async throws -> T {
        let configuration = try global.loadConfiguration()
        let account = try option.select(in: configuration)
        let apiKey = try Run.key(of: account, configuration: configuration, environment: global.environment)
        // Their own output says what happened: the log only adds retries and failures.
        global.bootstrapLogging(quietLevel: .warning)
        let logger = Logger(label: "ftd")
        let store = try await StoreOpening.openForWriting(configuration.storage, logger: logger)
        return try await HTTPClient.withProcessClient { httpClient in
            let assembly = Assembly(
                configuration: configuration, apiKeys: [account.name: apiKey], store: store,
                httpClient: httpClient,
                logger: logger)
            let api = assembly.api(for: account)
            let hooks = configuration.hooks
            return try await body(
                WorkflowSession(
                    configuration: configuration, account: account, api: api, store: assembly.store,
                    cycle: assembly.cycle(account: account, api: api, hooks: { hooks }), logger: logger))
        }
    }

    /// A job of this session's account.
    func key(_ id: String) -> JobKey { JobKey(account: account.name, id: id) }

    /// A full id or a unique prefix of a stored job of the account; an `ftjob-` id the
    /// database does not know yet (made elsewhere) is taken as typed.
    func resolveJobID(_ input: String) async throws -> String {
        do {
            return try await store.resolveJob(input, account: account.name).id
        } catch StoreError.unknownJob where input.hasPrefix("ftjob-") {
            return input
        }
    }
}
