import FTDModel
import Foundation

/// The whole configuration of SPEC section 2, validated. Built by `ConfigurationLoader`.
public struct Configuration: Sendable, Equatable {
    /// Every account the daemon watches (SPEC section 8), never empty: `[api]` alone (or
    /// nothing) is the one account `default`; `[[accounts]]` lists several.
    public var accounts: [AccountSettings]
    /// True when the accounts came from `[[accounts]]`, false for `[api]` or the defaults.
    public var listsAccounts: Bool = false
    public var poll: PollSettings
    public var storage: StorageSettings
    public var daemon: DaemonSettings
    public var hooks: [HookSettings]
    /// Nil: no HTTP server.
    public var http: HTTPSettings?
    /// `[alerts]` (SPEC section 10).
    public var alerts = AlertThresholds()
    /// `[prices]`: US dollars per 1M training tokens by model name, over the built-in
    /// table (SPEC section 10). `priceBook` is what prices a job.
    public var prices: [String: Double] = [:]
    /// The file it was read from; nil when the built-in defaults are in use.
    public var sourcePath: String?

    public init(
        api: APISettings = APISettings(), poll: PollSettings = PollSettings(),
        storage: StorageSettings, daemon: DaemonSettings = DaemonSettings(), hooks: [HookSettings] = [],
        http: HTTPSettings? = nil, sourcePath: String? = nil
    ) {
        self.accounts = [AccountSettings(name: DefaultAccount.name, api: api)]
        self.poll = poll
        self.storage = storage
        self.daemon = daemon
        self.hooks = hooks
        self.http = http
        self.sourcePath = sourcePath
    }
}

extension Configuration {
    /// The first account's API settings: `[api]` when the file has no `[[accounts]]`.
    /// Settable, so that a command or test pointing the one account elsewhere
    /// (`ftd demo`, `OPENAI_BASE_URL`) keeps working.
    public var api: APISettings {
        get { accounts[0].api }
        set { accounts[0].api = newValue }
    }

    /// The account named `name`, nil when none is configured.
    public func account(named name: String) -> AccountSettings? { accounts.first { $0.name == name } }

    /// How this configuration prices a job: `[prices]` over OpenAI's list prices, and for
    /// its Azure accounts `[prices]` alone (docs/costs.md).
    public var priceBook: PriceBook {
        PriceBook(configured: prices, azureAccounts: Set(accounts.filter(\.isAzure).map(\.name)))
    }
}

/// One account of SPEC section 8: an OpenAI project or an Azure OpenAI resource.
public struct AccountSettings: Sendable, Equatable {
    public enum Provider: Sendable, Equatable {
        case openai
        /// `endpoint` is the resource's URL (`https://NAME.openai.azure.com`); with an
        /// `apiVersion` the dated surface (`{endpoint}/openai/fine_tuning/jobs?api-version=…`),
        /// without one the v1 surface (`{endpoint}/openai/v1/fine_tuning/jobs`).
        case azure(endpoint: String, apiVersion: String?)
    }

    /// `[a-z0-9][a-z0-9_-]{0,31}`; `default` for `[api]`.
    public var name: String
    public var provider: Provider
    /// For azure, `baseURL` is derived from the endpoint (`{endpoint}/openai/v1` or
    /// `{endpoint}/openai`); the key, timeouts, retries and pacing are read as for openai.
    public var api: APISettings
    /// The Standard Webhooks secret (`whsec_…`) of `POST /webhooks/{name}`: the variable
    /// that holds it, or a file (wins when both are set). Neither: webhooks are refused.
    public var webhookSecretEnv: String?
    public var webhookSecretFile: String?
    /// True for the account `[api]` (or the built-in defaults) configures, false for an
    /// `[[accounts]]` entry, even one named `default`: messages must name the keys the user
    /// wrote (`api.api_key_file`, `accounts.NAME.api_key_file`), and only `[api]`'s account
    /// reads systemd's `openai_api_key` credential, as it did before there were accounts.
    public var fromAPITable: Bool

    /// `fromAPITable` defaults to whether `name` is `default`, the name `[api]`'s account has.
    public init(
        name: String, provider: Provider = .openai, api: APISettings = APISettings(),
        webhookSecretEnv: String? = nil, webhookSecretFile: String? = nil, fromAPITable: Bool? = nil
    ) {
        self.name = name
        self.provider = provider
        self.api = api
        self.webhookSecretEnv = webhookSecretEnv
        self.webhookSecretFile = webhookSecretFile
        self.fromAPITable = fromAPITable ?? (name == DefaultAccount.name)
    }

    /// The table its keys are named under in messages: `api` or `accounts.NAME`.
    public var configKey: String { fromAPITable ? "api" : "accounts.\(name)" }

    public var isAzure: Bool {
        if case .azure = provider { return true }
        return false
    }

    /// Whether webhooks are configured for this account.
    public var acceptsWebhooks: Bool { webhookSecretEnv != nil || webhookSecretFile != nil }
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
    /// The SQLite file; unused when `postgres` is set.
    public var database: String
    /// Database mode 0640 instead of 0600.
    public var groupReadable: Bool = false
    /// `storage.url`: the shared PostgreSQL store instead of the file (SPEC section 11).
    public var postgres: PostgresSettings?

    public init(database: String, groupReadable: Bool = false, postgres: PostgresSettings? = nil) {
        self.database = database
        self.groupReadable = groupReadable
        self.postgres = postgres
    }

    /// What `ftd status` and the log call the store: the file, or the URL without password.
    public var displayName: String { postgres?.displayName ?? database }
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
    /// The accounts whose transitions fire it; nil: every account.
    public var accounts: [String]?

    public init(
        name: String, on: [String], command: Command, timeout: Double = 60, retries: Int = 2,
        accounts: [String]? = nil
    ) {
        self.name = name
        self.on = on
        self.command = command
        self.timeout = timeout
        self.retries = retries
        self.accounts = accounts
    }

    /// Whether a transition to `status` fires this hook: `"*"` means every transition,
    /// not alerts. A status the API names `alert:…` never fires a hook that lists that
    /// alert: such a hook expects `FTD_ALERT`.
    public func fires(on status: String) -> Bool {
        on.contains("*") || (!status.hasPrefix(AlertKind.hookPrefix) && on.contains(status))
    }

    /// Whether an alert of `kind` for `account`'s job fires this hook: its `on` lists
    /// `alert:KIND` or `alert:*`.
    public func fires(onAlert kind: AlertKind, account: String) -> Bool {
        (on.contains(AlertKind.anyHookEvent) || on.contains(kind.hookEvent))
            && (accounts?.contains(account) ?? true)
    }

    /// Whether a transition of `account`'s job to `status` fires this hook.
    public func fires(on status: String, account: String) -> Bool {
        fires(on: status) && (accounts?.contains(account) ?? true)
    }
}
