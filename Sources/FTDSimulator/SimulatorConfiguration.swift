/// Which jobs the simulator starts with. Each but `empty` seeds the "Elle" limerick bot's
/// file and one job created at start; the last four bend that job so that one alert of
/// SPEC §10 fires (AlertScenarios has their timelines).
public enum Scenario: String, Sendable, Equatable, CaseIterable {
    /// The "Elle" limerick bot: a 10-example file, gpt-3.5-turbo-0125, 100 steps, created at start.
    case elle
    /// No jobs and no files.
    case empty
    /// Elle waits in `queued` (Azure: `pending`) for 3 hours, then trains: `queued_too_long`.
    case slowQueue = "slow-queue"
    /// Elle trains 5 steps, then stays `running` with no new event until cancelled: `stalled`.
    case stalled
    /// Elle's train loss falls for 20 steps, then climbs, and is `nan` at step 70: `loss_diverged`.
    case diverging
    /// Elle with a validation file whose loss turns up at 40% of the steps: `overfitting`.
    case overfitting

    /// One line for `ftd sim --help` (the alert it shows, in parentheses).
    public var summary: String {
        switch self {
        case .elle: return "the limerick bot: a healthy 100-step job"
        case .empty: return "no jobs and no files"
        case .slowQueue: return "queued for 3 simulated hours, then trains (queued_too_long)"
        case .stalled: return "runs 5 steps, then silent until cancelled (stalled)"
        case .diverging: return "train loss climbs from step 20, nan at 70 (loss_diverged)"
        case .overfitting: return "validation loss rises from 40% of the steps (overfitting)"
        }
    }
}

/// Which provider's API the simulator imitates.
public enum SimulatorFlavor: String, Sendable, Equatable, CaseIterable {
    /// OpenAI's `/v1/...`, Bearer keys, OpenAI's statuses, event texts and error envelope.
    case openai
    /// Azure OpenAI (docs/azure.md): the v1 surface `/openai/v1/...` and the dated surface
    /// `/openai/...?api-version=V`, the `api-key` header, `pending` instead of
    /// `validating_files`/`queued`, Azure's event texts, model names and error envelope.
    case azure
}

/// Everything `FineTuningSimulator` needs to start.
public struct SimulatorConfiguration: Sendable {
    /// Always loopback: the simulator is for this machine only.
    public var host: String
    /// 0 picks a free port.
    public var port: Int
    /// Simulated seconds per wall-clock second on the scaled clock.
    public var speed: Double
    public var clock: SimulatorClockMode
    public var scenario: Scenario
    /// Jobs that succeeded long ago, older than everything else, with their full history.
    public var finishedJobs: Int
    /// Training steps of each finished job (30 unless set: 10 examples, 3 epochs).
    public var finishedJobSteps: Int = 30
    /// Jobs that have been running for hours of simulated time and keep running.
    public var activeJobs: Int
    public var faults: [FaultRule]
    public var revokedKeys: Set<String>
    /// Seeds ids, loss noise and everything else random-looking.
    public var seed: UInt64
    /// The account's request budget per `rateLimitWindow` of real time, announced in
    /// `x-ratelimit-*-requests` headers on every answer and enforced with a 429; nil: none.
    public var requestsPerWindow: Int?
    /// Seconds; the real API's is a minute.
    public var rateLimitWindow: Double = 60
    /// Simulated seconds an upload reads `uploaded` before it becomes `processed`; jobs
    /// cannot use it until then. Scenario files are processed from the start.
    public var fileProcessingSeconds: Double = 3
    /// Simulated seconds a chat completion takes per answer token, waited out on the
    /// scaled clock only (a manual clock answers at once).
    public var chatSecondsPerToken: Double = 0.02
    /// The API imitated; `.openai` unless set.
    public var flavor: SimulatorFlavor = .openai
    /// Azure only: the one `api-version` the dated surface accepts (any other, or none,
    /// answers Azure's 404); nil accepts `SimulatorConfiguration.defaultAzureAPIVersion`.
    /// The v1 surface is served either way.
    public var apiVersion: String?

    /// The GA version of Azure OpenAI's dated fine-tuning API that docs/azure.md describes.
    public static let defaultAzureAPIVersion = "2024-10-21"

    /// The api-version the dated Azure surface accepts.
    public var acceptedAPIVersion: String { apiVersion ?? Self.defaultAzureAPIVersion }

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        speed: Double = 1,
        clock: SimulatorClockMode = .scaled,
        scenario: Scenario = .elle,
        finishedJobs: Int = 0,
        activeJobs: Int = 0,
        faults: [FaultRule] = [],
        revokedKeys: Set<String> = [],
        seed: UInt64 = 0x5EED_F7D0
    ) {
        self.host = host
        self.port = port
        self.speed = speed
        self.clock = clock
        self.scenario = scenario
        self.finishedJobs = finishedJobs
        self.activeJobs = activeJobs
        self.faults = faults
        self.revokedKeys = revokedKeys
        self.seed = seed
    }
}
