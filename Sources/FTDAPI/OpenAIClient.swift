import AsyncHTTPClient
import FTDConfig
import FTDModel
import Foundation
import Logging

/// The fine-tuning API over HTTP, with retries (SPEC section 3 "Faults"), of one account:
/// an OpenAI project or an Azure OpenAI resource on either of its surfaces (`APISurface`).
///
/// It borrows the process's one shared `HTTPClient`; whoever made that client shuts it
/// down. Every request is tried up to `1 + maxRetries` times and then fails with an
/// `APIError`; a cancelled task stops at once with `CancellationError`.
public struct OpenAIClient: FineTuningAPI {
    /// A runaway answer must not eat the daemon's memory; real pages are a few KiB.
    public static let maxBodyBytes = 32 * 1024 * 1024
    public static let userAgent = "ftd/0.1"

    let settings: APISettings
    /// The account's name (SPEC section 8): what its metrics and, later, its logs say.
    public let account: String
    /// How this account's requests carry the key, the `api-version` and a deployment.
    public let surface: APISurface
    let apiKey: String
    let httpClient: HTTPClient
    let logger: Logger
    let retryPolicy: RetryPolicy
    let now: @Sendable () -> Date
    let jitter: @Sendable () -> Double
    /// Waits out a retry's delay.
    let sleep: @Sendable (Duration) async throws -> Void
    /// Called after every HTTP attempt, answered or not: the daemon's sign of progress
    /// for systemd's watchdog (`HealthMonitor`).
    public var onAttempt: @Sendable () -> Void = {}
    /// Counts and times every attempt (`ftd_api_requests_total`,
    /// `ftd_api_request_duration_seconds`).
    public var metrics: APIMetrics
    /// Spaces the requests of all concurrent jobs by the API's rate-limit headers,
    /// `api.max_requests_per_minute` and 429s (`RateLimitState`).
    public let pacer: RequestPacer

    /// The account `default` of `[api]`, on OpenAI: as `init(account:…)` with that account.
    public init(
        settings: APISettings, apiKey: String, httpClient: HTTPClient, logger: Logger,
        retryPolicy: RetryPolicy? = nil, pacer: RequestPacer? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.init(
            account: AccountSettings(name: DefaultAccount.name, api: settings), apiKey: apiKey,
            httpClient: httpClient, logger: logger, retryPolicy: retryPolicy, pacer: pacer, now: now,
            jitter: jitter, sleep: sleep)
    }

    /// A client of one account. Its requests go to `account.api.baseURL`, which for Azure
    /// the configuration has already derived from the endpoint (`{endpoint}/openai/v1`, or
    /// `{endpoint}/openai` with an `api_version`); the provider decides the rest.
    /// - Parameters:
    ///   - retryPolicy: defaults to `RetryPolicy(maxRetries: account.api.maxRetries)`.
    ///   - now, jitter, sleep: injected so tests can make waits exact, or skip them.
    public init(
        account: AccountSettings, apiKey: String, httpClient: HTTPClient, logger: Logger,
        retryPolicy: RetryPolicy? = nil, pacer: RequestPacer? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        let settings = account.api
        self.settings = settings
        self.account = account.name
        self.surface = APISurface(account.provider)
        self.apiKey = apiKey
        self.httpClient = httpClient
        self.logger = logger
        self.retryPolicy = retryPolicy ?? RetryPolicy(maxRetries: settings.maxRetries)
        self.pacer = pacer ?? RequestPacer(maxRequestsPerMinute: settings.maxRequestsPerMinute)
        self.metrics = APIMetrics(account: account.name)
        self.now = now
        self.jitter = jitter
        self.sleep = sleep
    }

    /// The full URL of a request to this account: the base URL, the path, the surface's
    /// query (Azure's `api-version`) and the request's own.
    public func url(for endpoint: APIEndpoint) -> String {
        endpoint.url(baseURL: settings.baseURL, surfaceQuery: surface.query)
    }

    public func listJobs(after: String?, limit: Int) async throws -> ListPage<FineTuningJob> {
        try await send(.page(["fine_tuning", "jobs"], after: after, limit: limit)) {
            (body) throws(APIDecodingError) in try .jobs(body: body)
        }
    }

    public func retrieveJob(id: String) async throws -> FineTuningJob {
        try await send(APIEndpoint(.get, ["fine_tuning", "jobs", id])) {
            (body) throws(APIDecodingError) in try FineTuningJob(body: body)
        }
    }

    public func listEvents(jobID: String, after: String?, limit: Int) async throws -> ListPage<
        JobEvent
    > {
        try await send(.page(["fine_tuning", "jobs", jobID, "events"], after: after, limit: limit)) {
            (body) throws(APIDecodingError) in try .events(body: body, jobID: jobID)
        }
    }

    public func listCheckpoints(jobID: String, after: String?, limit: Int) async throws -> ListPage<
        Checkpoint
    > {
        try await send(
            .page(["fine_tuning", "jobs", jobID, "checkpoints"], after: after, limit: limit)
        ) {
            (body) throws(APIDecodingError) in try .checkpoints(body: body, jobID: jobID)
        }
    }

    /// The content of a file, e.g. a job's result file (`ResultFileParser` reads it).
    public func downloadFile(id: String) async throws -> Data {
        try await send(APIEndpoint(.get, ["files", id, "content"])) { (body) throws(APIDecodingError) in
            body
        }
    }

    /// - Parameter beforeRetry: asked before each retry whether the job exists after all
    ///   (the failed attempt may have created it); a job it returns ends the request.
    ///   Without it, a failed create is retried blindly, and may create the job twice.
    public func createJob(
        _ request: FineTuningJobRequest, beforeRetry: BeforeRetry<FineTuningJob>? = nil
    ) async throws -> FineTuningJob {
        try await send(
            APIEndpoint(.post, ["fine_tuning", "jobs"]), body: .json(request.json), beforeRetry: beforeRetry
        ) { (body) throws(APIDecodingError) in try FineTuningJob(body: body) }
    }

    public func cancelJob(id: String) async throws -> FineTuningJob {
        try await jobAction("cancel", id: id)
    }

    public func pauseJob(id: String) async throws -> FineTuningJob {
        try await jobAction("pause", id: id)
    }

    public func resumeJob(id: String) async throws -> FineTuningJob {
        try await jobAction("resume", id: id)
    }

    private func jobAction(_ action: String, id: String) async throws -> FineTuningJob {
        try await send(APIEndpoint(.post, ["fine_tuning", "jobs", id, action])) {
            (body) throws(APIDecodingError) in try FineTuningJob(body: body)
        }
    }
}
