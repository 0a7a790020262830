import Foundation

/// The whole configuration of SPEC section 2, validated. Built by `ConfigurationLoader`.
public struct Configuration: Sendable, Equatable {
    public var api: APISettings
    public var poll: PollSettings
    public var storage: StorageSettings
    public var daemon: DaemonSettings
    public var hooks: [HookSettings]
    /// Nil: no HTTP server.
    public var http: HTTPSettings?
    /// The file it was read from; nil when the built-in defaults are in use.
    public var sourcePath: String?

    public init(
        api: APISettings = APISettings(), poll: PollSettings = PollSettings(),
        storage: StorageSettings, daemon: DaemonSettings = DaemonSettings(), hooks: [HookSettings] = [],
        http: HTTPSettings? = nil, sourcePath: String? = nil
    ) {
        self.api = api
        self.poll = poll
        self.storage = storage
        self.daemon = daemon
        self.hooks = hooks
        self.http = http
        self.sourcePath = sourcePath
    }
}

public struct APISettings: Sendable, Equatable {
    public var baseURL: String = "https://api.openai.com/v1"
    /// The environment variable that holds the key.
    public var apiKeyEnv: String = "OPENAI_API_KEY"
    /// A file holding the key; wins over `apiKeyEnv` when set.
    public var apiKeyFile: String?
    public var organization: String?
    public var project: String?
    /// Seconds.
    public var requestTimeout: Double = 30
    /// Further attempts per request after the first.
    public var maxRetries: Int = 4
    /// A ceiling on requests per minute, whatever the API allows; nil: none.
    public var maxRequestsPerMinute: Int?

    public init() {}
}

public struct PollSettings: Sendable, Equatable {
    /// Seconds between cycles while any job is active.
    public var interval: Int = 30
    /// Seconds between cycles while none is.
    public var idleInterval: Int = 300

    public init() {}
}

public struct StorageSettings: Sendable, Equatable {
    public var database: String
    /// Database mode 0640 instead of 0600.
    public var groupReadable: Bool = false

    public init(database: String, groupReadable: Bool = false) {
        self.database = database
        self.groupReadable = groupReadable
    }
}

/// How the daemon (`ftd run`) behaves as a service.
public struct DaemonSettings: Sendable, Equatable {
    /// Seconds a graceful stop (SIGTERM) gives running hooks to finish before their process
    /// groups get SIGTERM (and SIGKILL 5 s later); their deliveries then run after the
    /// next start.
    public var stopTimeout: Double = 10

    public init(stopTimeout: Double = 10) { self.stopTimeout = stopTimeout }
}

public struct HookSettings: Sendable, Equatable {
    public enum Command: Sendable, Equatable {
        /// argv, run directly.
        case argv([String])
        /// run through `/bin/sh -c`.
        case shell(String)
    }

    public var name: String
    /// Statuses that fire it; `"*"` means every transition.
    public var on: [String]
    public var command: Command
    /// Seconds.
    public var timeout: Double = 60
    /// Further attempts after a non-zero exit or a timeout.
    public var retries: Int = 2

    public init(name: String, on: [String], command: Command, timeout: Double = 60, retries: Int = 2) {
        self.name = name
        self.on = on
        self.command = command
        self.timeout = timeout
        self.retries = retries
    }

    public func fires(on status: String) -> Bool { on.contains("*") || on.contains(status) }
}
