import Foundation

/// Turns a parsed TOML document into a validated `Configuration` (SPEC section 2).
/// Pure: defaults and environment overrides are applied by `ConfigurationLoader`.
enum ConfigurationParser {
    static let sections = ["api", "poll", "storage", "daemon", "hooks", "http"]
    static let apiKeys = [
        "base_url", "api_key_env", "api_key_file", "organization", "project", "request_timeout",
        "max_retries", "max_requests_per_minute",
    ]
    static let pollKeys = ["interval", "idle_interval"]
    static let storageKeys = ["database", "group_readable"]
    static let daemonKeys = ["stop_timeout"]
    static let hookKeys = ["name", "on", "command", "timeout", "retries"]
    static let httpKeys = ["listen", "token_file"]

    /// `database` is nil when the document does not set `storage.database`.
    static func parse(_ document: [String: ConfigNode]) throws(ConfigurationError) -> (
        api: APISettings, poll: PollSettings, database: String?, groupReadable: Bool,
        daemon: DaemonSettings, hooks: [HookSettings], http: HTTPSettings?
    ) {
        let root = try ConfigTableReader(path: "", fields: document, allowed: sections)
        let api =
            try root.node("api").map { node throws(ConfigurationError) in try apiSettings(node) }
            ?? APISettings()
        let poll =
            try root.node("poll").map { node throws(ConfigurationError) in try pollSettings(node) }
            ?? PollSettings()
        var database: String?
        var groupReadable = false
        if let node = root.node("storage") {
            let storage = try ConfigTableReader(path: "storage", node: node, allowed: storageKeys)
            database = try storage.string("database")
            groupReadable = try storage.bool("group_readable") ?? false
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
                try HookSettingsParser.hooks(node)
            } ?? []
        let http = try root.node("http").map { node throws(ConfigurationError) in try httpSettings(node) }
        return (api, poll, database, groupReadable, daemon, hooks, http)
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

    static func apiSettings(_ node: ConfigNode) throws(ConfigurationError) -> APISettings {
        let table = try ConfigTableReader(path: "api", node: node, allowed: apiKeys)
        var api = APISettings()
        if let url = try table.string("base_url") {
            try validateBaseURL(url, key: "api.base_url")
            api.baseURL = url
        }
        if let variable = try table.string("api_key_env") {
            guard isEnvironmentName(variable) else {
                throw .invalid(
                    "api.api_key_env", "expected the name of an environment variable, like OPENAI_API_KEY")
            }
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
    static func validateBaseURL(_ text: String, key: String) throws(ConfigurationError) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw .invalid(key, "expected an http:// or https:// URL such as https://api.openai.com/v1")
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
