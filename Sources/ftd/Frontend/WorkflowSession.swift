import AsyncHTTPClient
import FTDAPI
import FTDConfig
import FTDDaemon
import FTDEngine
import FTDStore
import Foundation
import Logging

/// What a workflow command (`submit`, `watch`, `cancel`, `pause`, `resume`, `try`) works
/// with: the configuration, the API, and the database it records into, like the daemon.
struct WorkflowSession {
    let configuration: Configuration
    let api: OpenAIClient
    let store: SQLiteStore
    /// Records what the command sees of a job as a cycle would (`PollCycle.sync`).
    let cycle: PollCycle
    let logger: Logger

    /// Loads the configuration and the key, opens the database and the process's HTTP
    /// client for `body`.
    static func with<T>(_ global: GlobalOptions, _ body: (WorkflowSession) async throws -> T) async throws
        -> T
    {
        let (configuration, apiKey) = try Run.load(global, checkingHooks: false)
        // Their own output says what happened: the log only adds retries and failures.
        global.bootstrapLogging(quietLevel: .warning)
        let logger = Logger(label: "ftd")
        let database = try Assembly.openDatabase(
            configuration.storage, checkingIntegrity: false, logger: logger)
        return try await HTTPClient.withProcessClient { httpClient in
            let assembly = Assembly(
                configuration: configuration, apiKey: apiKey, store: SQLiteStore(database),
                httpClient: httpClient,
                logger: logger)
            let api = assembly.api()
            let hooks = configuration.hooks
            return try await body(
                WorkflowSession(
                    configuration: configuration, api: api, store: assembly.store,
                    cycle: assembly.cycle(api: api, hooks: { hooks }), logger: logger))
        }
    }

    /// A full id or a unique prefix of a stored job; an `ftjob-` id the database does not
    /// know yet (made elsewhere) is taken as typed.
    func resolveJobID(_ input: String) async throws -> String {
        do {
            return try await store.resolveJobID(input)
        } catch StoreError.unknownJob where input.hasPrefix("ftjob-") {
            return input
        }
    }
}
