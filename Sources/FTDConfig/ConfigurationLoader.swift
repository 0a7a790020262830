import Foundation

/// Finds, reads and validates the configuration (SPEC section 2):
/// `--config PATH` > `$FTD_CONFIG` > `/etc/ftd/ftd.toml` if it exists > built-in defaults,
/// then `OPENAI_BASE_URL` (`[api]`'s account only) and `FTD_DATABASE` override the file.
/// The environment and the file system are injected so every rule can be tested.
public struct ConfigurationLoader: Sendable {
    public static let systemPath = "/etc/ftd/ftd.toml"

    public var environment: [String: String]
    public var fileExists: @Sendable (String) -> Bool
    public var readFile: @Sendable (String) throws -> String

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        fileExists: @escaping @Sendable (String) -> Bool = {
            FileManager.default.fileExists(atPath: $0)
        },
        readFile: @escaping @Sendable (String) throws -> String = {
            try String(contentsOfFile: $0, encoding: .utf8)
        }
    ) {
        self.environment = environment
        self.fileExists = fileExists
        self.readFile = readFile
    }

    /// - Parameter explicitPath: the `--config` option, when given.
    public func load(explicitPath: String? = nil) throws(ConfigurationError) -> Configuration {
        guard let path = try resolvePath(explicitPath: explicitPath) else {
            return try configuration(from: [:], sourcePath: nil)
        }
        let text: String
        do {
            text = try readFile(path)
        } catch {
            throw .file(path, "cannot read it: \(Self.reason(error))")
        }
        return try load(contents: text, path: path)
    }

    /// Validates a document's text as if read from `path`.
    public func load(contents: String, path: String) throws(ConfigurationError) -> Configuration {
        try configuration(from: try ConfigNode.parse(toml: contents, path: path), sourcePath: path)
    }

    /// The file to read, nil for the built-in defaults. A path the user named (with
    /// `--config` or `$FTD_CONFIG`) must exist; only the system path is optional.
    public func resolvePath(explicitPath: String?) throws(ConfigurationError) -> String? {
        if let explicitPath {
            guard fileExists(explicitPath) else {
                throw .file(explicitPath, "no such file (given with --config)")
            }
            return explicitPath
        }
        if let path = nonEmpty("FTD_CONFIG") {
            guard fileExists(path) else { throw .file(path, "no such file (named by $FTD_CONFIG)") }
            return path
        }
        return fileExists(Self.systemPath) ? Self.systemPath : nil
    }

    private func configuration(from document: [String: ConfigNode], sourcePath: String?)
        throws(ConfigurationError)
        -> Configuration
    {
        let parsed = try ConfigurationParser.parse(document)
        var accounts = parsed.accounts
        // The variable stands in for api.base_url, as the OpenAI SDKs read it; it cannot say
        // which of several accounts it means, so [[accounts]] entries keep their own.
        if !parsed.listsAccounts, let url = nonEmpty("OPENAI_BASE_URL") {
            try ConfigurationParser.validateBaseURL(url, key: "OPENAI_BASE_URL")
            accounts[0].api.baseURL = url
        }
        for index in accounts.indices {
            if let file = accounts[index].api.apiKeyFile {
                accounts[index].api.apiKeyFile = expandingTilde(file)
            }
            if let file = accounts[index].webhookSecretFile {
                accounts[index].webhookSecretFile = expandingTilde(file)
            }
        }
        var http = parsed.http
        if let file = http?.tokenFile { http?.tokenFile = expandingTilde(file) }
        var database: String?
        var postgres: PostgresSettings?
        let passwordFile = parsed.postgres?.passwordFile.map(expandingTilde)
        if let override = nonEmpty("FTD_DATABASE") {
            // A URL there names a PostgreSQL store, as storage.url would.
            if PostgresSettings.isURL(override) {
                postgres = try PostgresSettings.parse(override, key: "FTD_DATABASE", loginName: loginName)
            } else {
                database = override
            }
        } else if let configured = parsed.postgres {
            postgres = try PostgresSettings.parse(configured.url, key: "storage.url", loginName: loginName)
        } else if let configured = parsed.database {
            database = expandingTilde(configured)
        }
        postgres?.passwordFile = passwordFile
        if database == nil, postgres == nil { database = try defaultDatabasePath() }
        var configuration = Configuration(
            poll: parsed.poll,
            storage: StorageSettings(
                database: database ?? "",
                groupReadable: parsed.groupReadable, postgres: postgres),
            daemon: parsed.daemon, hooks: parsed.hooks, http: http, sourcePath: sourcePath)
        configuration.accounts = accounts
        configuration.listsAccounts = parsed.listsAccounts
        if let node = document["alerts"] { configuration.alerts = try AlertSettingsParser.thresholds(node) }
        configuration.prices =
            try document["prices"].map { node throws(ConfigurationError) in
                try ConfigurationParser.prices(node)
            } ?? [:]
        return configuration
    }

    /// `$STATE_DIRECTORY/ftd.sqlite3` (systemd's `StateDirectory=`, first entry), else
    /// `$XDG_STATE_HOME/ftd/ftd.sqlite3`, else `$HOME/.local/state/ftd/ftd.sqlite3`.
    public func defaultDatabasePath() throws(ConfigurationError) -> String {
        if let directories = nonEmpty("STATE_DIRECTORY"),
            let first = directories.split(separator: ":").first.map(String.init), !first.isEmpty
        {
            return Self.join(first, "ftd.sqlite3")
        }
        // The XDG spec says a relative value is invalid and must be ignored.
        if let stateHome = nonEmpty("XDG_STATE_HOME"), stateHome.hasPrefix("/") {
            return Self.join(stateHome, "ftd/ftd.sqlite3")
        }
        if let home = nonEmpty("HOME") {
            return Self.join(home, ".local/state/ftd/ftd.sqlite3")
        }
        throw .invalid(
            "storage.database",
            "no default location: neither STATE_DIRECTORY, XDG_STATE_HOME nor HOME is set; set storage.database or FTD_DATABASE"
        )
    }

    /// libpq's default user: `$PGUSER`, else `$USER`, else "postgres".
    private var loginName: String { nonEmpty("PGUSER") ?? nonEmpty("USER") ?? "postgres" }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    private func expandingTilde(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = nonEmpty("HOME") else { return path }
        return Self.join(home, String(path.dropFirst(2)))
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
