import FTDAPI
import FTDConfig
import FTDDaemon
import FTDEngine
import FTDModel
import FTDSimulator
import FTDStore
import Foundation
import Logging
import Testing

/// The real client, built as the daemon builds it (`Assembly`), against the in-process
/// simulator's Azure flavor on each of its surfaces: the pieces of a cycle, a submit, the
/// job actions, a chat through a deployment, and a whole `ftd run --once`.
@Suite(.timeLimit(.minutes(2))) struct AzureSimulatorTests {
    static let key = "azure-sim-key"
    static let elle = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/elle.jsonl").path

    /// The dated surface with the simulator's default version, with one given by
    /// `--api-version`, and the v1 surface.
    static let surfaces: [(simulated: String?, account: String?)] = [
        (nil, "2024-10-21"), ("2025-04-01-preview", "2025-04-01-preview"), (nil, nil),
    ]

    static func withAzure(
        simulatedVersion: String?, accountVersion: String?,
        _ body: (FineTuningSimulator, AccountSettings) async throws -> Void
    ) async throws {
        var configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000))
        configuration.flavor = .azure
        configuration.apiVersion = simulatedVersion
        configuration.fileProcessingSeconds = 0
        let simulator = FineTuningSimulator(configuration: configuration, logger: .quiet)
        try await simulator.start()
        // What the configuration parser derives from `endpoint` and `api_version`.
        let endpoint = await simulator.baseURL
        var api = APISettings()
        api.baseURL = endpoint + (accountVersion == nil ? "/openai/v1" : "/openai")
        api.maxRetries = 1
        api.apiKeyEnv = "AZURE_OPENAI_API_KEY"
        let account = AccountSettings(
            name: "azure-eu", provider: .azure(endpoint: endpoint, apiVersion: accountVersion), api: api)
        do {
            try await body(simulator, account)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    static func configuration(_ account: AccountSettings) -> Configuration {
        var configuration = Configuration(storage: StorageSettings(database: ":memory:"))
        configuration.accounts = [account]
        return configuration
    }

    static func api(_ account: AccountSettings, store: SQLiteStore) -> OpenAIClient {
        Assembly(
            configuration: configuration(account), apiKey: key, store: store, httpClient: .tests,
            logger: .quiet
        ).api()
    }

    @Test(arguments: surfaces.indices)
    func listsRetrievesAndReadsEventsAndCheckpoints(surface: Int) async throws {
        let (simulated, version) = Self.surfaces[surface]
        try await Self.withAzure(simulatedVersion: simulated, accountVersion: version) { simulator, account in
            let api = Self.api(account, store: SQLiteStore(try AppDatabase.inMemory()))
            #expect(api.account == "azure-eu")
            let page = try await api.listJobs(after: nil, limit: 20)
            let job = try #require(page.data.first)
            #expect(job.status == "pending")
            #expect(!JobStatus.isTerminal(job.status))
            #expect(try await api.retrieveJob(id: job.id).id == job.id)
            await simulator.advanceClock(by: 310)
            let done = try await api.retrieveJob(id: job.id)
            #expect(done.status == "succeeded")
            let events = try await api.listEvents(jobID: job.id, after: nil, limit: 5)
            #expect(events.data.count == 5)
            #expect(events.hasMore)
            let next = try await api.listEvents(jobID: job.id, after: events.data.last?.id, limit: 5)
            #expect(Set(next.data.map(\.id)).isDisjoint(with: events.data.map(\.id)))
            let checkpoints = try await api.listCheckpoints(jobID: job.id, after: nil, limit: 10)
            #expect(checkpoints.data.count == 3)
            let model = try #require(done.fineTunedModel)
            #expect(model.contains(".ft-"))
            // A fine-tuned Azure model answers through a deployment (the simulator's are
            // named as the model they serve).
            let answer = try await api.chatCompletion(
                model: model, deployment: model, messages: [ChatMessage(role: "user", content: "Gallium?")])
            #expect(answer.content?.isEmpty == false)
            let log = await simulator.requestLog()
            let dated = version.map { "api-version=\($0)" }
            for line in log {
                if let dated {
                    #expect(line.contains(dated), "\(line)")
                } else {
                    #expect(line.contains(" /openai/v1/"))
                }
            }
            #expect(
                log.last?.contains(version == nil ? "/openai/v1/chat/completions" : "/openai/deployments/")
                    == true)
        }
    }

    @Test(arguments: surfaces.indices)
    func submitsUploadingThenCreatingAndCancels(surface: Int) async throws {
        let (simulated, version) = Self.surfaces[surface]
        try await Self.withAzure(simulatedVersion: simulated, accountVersion: version) { simulator, account in
            let api = Self.api(account, store: SQLiteStore(try AppDatabase.inMemory()))
            var submitter = JobSubmitter(api: api) { _ in }
            submitter.processingPollInterval = .milliseconds(10)
            var request = SubmitRequest(trainingPath: Self.elle, model: "gpt-4o-mini-2024-07-18")
            request.suffix = "elle"
            let (job, _) = try await submitter.submit(request)
            #expect(job.status == "pending")
            #expect(await simulator.jobIDs().contains(job.id))
            let cancelled = try await api.cancelJob(id: job.id)
            #expect(cancelled.status == "cancelled")
            let log = await simulator.requestLog()
            #expect(log.contains { $0.hasPrefix("POST /openai/\(version == nil ? "v1/" : "")files") })
            #expect(
                log.contains { $0.hasPrefix("POST /openai/\(version == nil ? "v1/" : "")fine_tuning/jobs") })
        }
    }

    /// `ftd run --once` with its one account on Azure: `pending` is stored as sent and
    /// synced as an active job until the job ends.
    @Test(arguments: surfaces.indices)
    func runOnceRecordsAzuresStatusesAsSent(surface: Int) async throws {
        let (simulated, version) = Self.surfaces[surface]
        try await Self.withAzure(simulatedVersion: simulated, accountVersion: version) { simulator, account in
            let database = try AppDatabase.inMemory()
            let store = SQLiteStore(database)
            let configuration = Self.configuration(account)
            let daemon = Daemon(
                store: store, httpClient: .tests, notifier: nil,
                loader: { (configuration, apiKey: Self.key) },
                logger: .quiet)
            let baseline = try await daemon.runOnce(configuration: configuration, apiKey: Self.key)
            #expect(baseline.failures.isEmpty)
            #expect(baseline.transitions.map(\.to) == ["pending"])
            #expect(try database.jobsNeedingSync(account: account.name).map(\.status) == ["pending"])
            var statuses: [String] = []
            for _ in 0..<40 {
                await simulator.advanceClock(by: 10)
                let report = try await daemon.runOnce(configuration: configuration, apiKey: Self.key)
                #expect(report.failures.isEmpty)
                statuses += report.transitions.map(\.to)
            }
            #expect(statuses == ["running", "succeeded"])
            let job = try #require(try database.jobSummaries().first)
            #expect(job.account == account.name)
            let detail = try database.jobDetail(job: job.key)
            #expect(detail.events.first?.message == "Job enqueued. Waiting for jobs ahead to complete.")
            #expect(detail.steps.count == 100)
            #expect(detail.checkpoints.count == 3)
            #expect(try database.jobsNeedingSync(account: account.name).isEmpty)
        }
    }

    /// A key the resource refuses stops a cycle as rejected credentials (exit 77), read
    /// from Azure's envelope.
    @Test func aRevokedKeyIsCredentialsRejected() async throws {
        try await Self.withAzure(simulatedVersion: nil, accountVersion: nil) { simulator, account in
            await simulator.revokeKey(Self.key)
            let api = Self.api(account, store: SQLiteStore(try AppDatabase.inMemory()))
            let error = await #expect(throws: APIError.self) { try await api.listJobs(after: nil, limit: 20) }
            #expect(error?.isCredentialsRejected == true)
            #expect(error?.message.hasPrefix("Access denied due to invalid subscription key") == true)
        }
    }
}
