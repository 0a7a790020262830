import FTDModel
import Foundation

/// Turns a parsed TOML document into a validated `Configuration` (SPEC section 2).
/// Pure: defaults and environment overrides are applied by `ConfigurationLoader`.
enum ConfigurationParser {
    static let sections = [
        "api", "accounts", "poll", "storage", "daemon", "hooks", "http", "alerts", "prices",
    ]
    /// What `[api]` and an `[[accounts]]` entry share, validated by the same code.
    static let sharedAPIKeys = [
        "api_key_env", "api_key_file", "organization", "project", "request_timeout", "max_retries",
        "max_requests_per_minute", "webhook_secret_env", "webhook_secret_file",
    ]
    static let apiKeys = ["base_url"] + sharedAPIKeys
    static let pollKeys = ["interval", "idle_interval"]
    static let storageKeys = ["database", "group_readable", "url", "password_file"]
    static let daemonKeys = ["stop_timeout"]
    static let hookKeys = ["name", "on", "command", "timeout", "retries", "accounts"]
    static let httpKeys = ["listen", "token_file"]

    /// `database` is nil when the document does not set `storage.database`. `accounts` is
    /// never empty; `listsAccounts` says whether it came from `[[accounts]]`.
    static func parse(_ document: [String: ConfigNode]) throws(ConfigurationError) -> (
        accounts: [AccountSettings], listsAccounts: Bool, poll: PollSettings, database: String?,
        groupReadable: Bool, postgres: (url: String, passwordFile: String?)?, daemon: DaemonSettings,
        hooks: [HookSettings], http: HTTPSettings?
    ) {
        let root = try ConfigTableReader(path: "", fields: document, allowed: sections)
        let accounts: [AccountSettings]
        let listsAccounts: Bool
        if let node = root.node("accounts") {
            // Both would leave it unclear which settings the account `default` has, and a
            // user who adds [[accounts]] beside [api] expects [api]'s account to stay
            // watched: saying so beats silently dropping it.
            if root.node("api") != nil {
                throw .invalid(
                    "accounts",
                    "a file with [[accounts]] cannot also have [api]: move [api]'s settings into an [[accounts]] entry (name = \"default\" keeps the jobs already stored under that account)"
                )
            }
            accounts = try AccountSettingsParser.accounts(node)
            listsAccounts = true
        } else {
            accounts = [
                try root.node("api").map { node throws(ConfigurationError) in try apiAccount(node) }
                    ?? AccountSettings(name: DefaultAccount.name, fromAPITable: true)
            ]
            listsAccounts = false
        }
        let poll =
            try root.node("poll").map { node throws(ConfigurationError) in try pollSettings(node) }
            ?? PollSettings()
        var database: String?
        var groupReadable = false
        var postgres: (url: String, passwordFile: String?)?
        if let node = root.node("storage") {
            let storage = try ConfigTableReader(path: "storage", node: node, allowed: storageKeys)
            database = try storage.string("database")
            groupReadable = try storage.bool("group_readable") ?? false
            let passwordFile = try storage.string("password_file")
            if let url = try storage.string("url") {
                guard database == nil else {
                    throw .invalid(
                        "storage.url",
                        "set either storage.url (PostgreSQL) or storage.database (an SQLite file), not both")
                }
                postgres = (url, passwordFile)
            } else if passwordFile != nil {
                throw .invalid("storage.password_file", "is the password of storage.url, which is not set")
            }
        }
        var daemon = DaemonSettings()
        if let node = root.node("daemon") {
            let table = try ConfigTableReader(path: "daemon", node: node, allowed: daemonKeys)
            let expected = "expected a number of seconds from 0 to 3600"
            if let stop = try table.number(
                "stop_timeout", expected: expected, accepts: { (0...3600).contains($0) })
            {
                daemon.stopTimeout = stop
            }
        }
        let hooks =
            try root.node("hooks").map { node throws(ConfigurationError) in
                try HookSettingsParser.hooks(node, accounts: accounts.map(\.name))
            } ?? []
        let http = try root.node("http").map { node throws(ConfigurationError) in try httpSettings(node) }
        return (accounts, listsAccounts, poll, database, groupReadable, postgres, daemon, hooks, http)
    }

    static func httpSettings(_ node: ConfigNode) throws(ConfigurationError) -> HTTPSettings {
        let table = try ConfigTableReader(path: "http", node: node, allowed: httpKeys)
        guard let listen = try table.string("listen") else {
            throw .invalid("http.listen", "required in [http]: HOST:PORT, e.g. \"127.0.0.1:8327\"")
        }
        guard let (host, port) = HTTPSettings.parseListen(listen) else {
            throw .invalid(
                "http.listen",
                "expected HOST:PORT with a port from 0 to 65535, e.g. \"127.0.0.1:8327\" or \"[::1]:8327\"")
        }
        var settings = HTTPSettings(host: host, port: port, tokenFile: try table.string("token_file"))
        if settings.tokenFile?.isEmpty == true { settings.tokenFile = nil }
        if !settings.isLoopback, settings.tokenFile == nil {
            throw .invalid(
                "http.token_file",
                "required when http.listen (\(listen)) is not a loopback address: anyone who can reach it would read every job"
            )
        }
        return settings
    }

    /// `[api]`: the one account `default`.
    static func apiAccount(_ node: ConfigNode) throws(ConfigurationError) -> AccountSettings {
        let table = try ConfigTableReader(path: "api", node: node, allowed: apiKeys)
        var account = AccountSettings(
            name: DefaultAccount.name, api: try apiSettings(table, defaults: APISettings()),
            fromAPITable: true)
        try readWebhookSecret(table, into: &account)
        return account
    }

    /// The keys `[api]` and an `[[accounts]]` entry share (`base_url` too, when `table`
    /// allows it), over `defaults`. One reader for both, so that a limit or a message
    /// changed for one holds for the other; `table`'s path makes each error name the key
    /// as written (`api.request_timeout`, `accounts.research.request_timeout`).
    static func apiSettings(_ table: ConfigTableReader, defaults: APISettings) throws(ConfigurationError)
        -> APISettings
    {
        var api = defaults
        if let url = try table.string("base_url") {
            try validateBaseURL(url, key: table.keyPath("base_url"))
            api.baseURL = url
        }
        if let variable = try environmentName(table, "api_key_env", example: "OPENAI_API_KEY") {
            api.apiKeyEnv = variable
        }
        api.apiKeyFile = try table.string("api_key_file")
        api.organization = try table.string("organization")
        api.project = try table.string("project")
        if let timeout = try table.positiveNumber(
            "request_timeout", expected: "expected a positive number of seconds")
        {
            api.requestTimeout = timeout
        }
        if let retries = try table.wholeNumber(
            "max_retries", minimum: 0, expected: "expected a whole number ≥ 0")
        {
            api.maxRetries = retries
        }
        api.maxRequestsPerMinute = try table.wholeNumber(
            "max_requests_per_minute", minimum: 1, expected: "expected a whole number of requests ≥ 1")
        return api
    }

    /// `webhook_secret_env` and `webhook_secret_file`. Only where the secret is, as for the
    /// API key: reading it is `APIKeyResolver.webhookSecret`'s, so that a file validates
    /// on a machine that does not hold the secret.
    static func readWebhookSecret(_ table: ConfigTableReader, into account: inout AccountSettings)
        throws(ConfigurationError)
    {
        account.webhookSecretEnv = try environmentName(
            table, "webhook_secret_env", example: "OPENAI_WEBHOOK_SECRET")
        account.webhookSecretFile = try table.string("webhook_secret_file")
    }

    /// A key naming an environment variable; nil when absent.
    static func environmentName(_ table: ConfigTableReader, _ key: String, example: String)
        throws(ConfigurationError) -> String?
    {
        guard let variable = try table.string(key) else { return nil }
        guard isEnvironmentName(variable) else {
            throw .invalid(
                table.keyPath(key), "expected the name of an environment variable, like \(example)")
        }
        return variable
    }

    static func pollSettings(_ node: ConfigNode) throws(ConfigurationError) -> PollSettings {
        let table = try ConfigTableReader(path: "poll", node: node, allowed: pollKeys)
        var poll = PollSettings()
        let expected = "expected a whole number of seconds ≥ 1"
        if let interval = try table.wholeNumber("interval", minimum: 1, expected: expected) {
            poll.interval = interval
        }
        if let idle = try table.wholeNumber("idle_interval", minimum: 1, expected: expected) {
            poll.idleInterval = idle
        }
        return poll
    }

    /// An absolute http(s) URL with a host; a path such as `/v1` is kept as given.
    static func validateBaseURL(
        _ text: String, key: String, example: String = "https://api.openai.com/v1"
    ) throws(ConfigurationError) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw .invalid(key, "expected an http:// or https:// URL such as \(example)")
        }
    }

    static func isEnvironmentName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else {
            return false
        }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_")
        }
    }
}
