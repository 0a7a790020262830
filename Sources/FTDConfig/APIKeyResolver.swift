import FTDModel
import Foundation

/// Finds an account's API key: its `api_key_file` when set; else a systemd credential in
/// `$CREDENTIALS_DIRECTORY` when it exists (`openai_api_key` for `[api]`'s account,
/// `NAME_api_key` for an `[[accounts]]` entry, e.g. `research_api_key` or
/// `azure-eu_api_key`, the name kept as written; see `credentialName(for:)`); else the
/// environment variable named by its `api_key_env`. Also finds its webhook secret
/// (`webhookSecret(_:)`). Every secret it returns is registered with `SecretRedactor`;
/// its errors never contain one.
public struct APIKeyResolver: Sendable {
    /// The credential's name in `LoadCredential=` for `[api]`'s account.
    public static let credentialName = "openai_api_key"

    public var environment: [String: String]
    public var fileExists: @Sendable (String) -> Bool
    public var readFile: @Sendable (String) throws -> String
    /// The permission bits of a file, nil when they cannot be read (the read says why).
    public var fileMode: @Sendable (String) -> UInt32?

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) },
        readFile: @escaping @Sendable (String) throws -> String = {
            try String(contentsOfFile: $0, encoding: .utf8)
        },
        fileMode: @escaping @Sendable (String) -> UInt32? = { path in
            var info = stat()
            return stat(path, &info) == 0 ? UInt32(info.st_mode) & 0o7777 : nil
        }
    ) {
        self.environment = environment
        self.fileExists = fileExists
        self.readFile = readFile
        self.fileMode = fileMode
    }

    /// The credential that holds `account`'s key. `[api]`'s account keeps `openai_api_key`,
    /// so units written before there were accounts go on working; each `[[accounts]]` entry
    /// has its own, `NAME_api_key`, since one credential cannot hold several keys and a
    /// shared name would hand one account's key to another.
    public static func credentialName(for account: AccountSettings) -> String {
        account.fromAPITable ? credentialName : "\(account.name)_api_key"
    }

    /// The credential file systemd passes for `[api]`'s account, when there is one.
    public var credentialPath: String? { credentialPath(named: Self.credentialName) }

    /// The credential file systemd passes for `account`, when there is one.
    public func credentialPath(for account: AccountSettings) -> String? {
        credentialPath(named: Self.credentialName(for: account))
    }

    private func credentialPath(named name: String) -> String? {
        guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else { return nil }
        let path = directory.hasSuffix("/") ? directory + name : "\(directory)/\(name)"
        return fileExists(path) ? path : nil
    }

    /// Where the key of `[api]`'s account comes from, for messages: a path or `$VARIABLE`.
    public func source(_ settings: APISettings) -> String { source(Self.apiTableAccount(settings)) }

    /// Where `account`'s key comes from, for messages: a path or `$VARIABLE`.
    public func source(_ account: AccountSettings) -> String {
        account.api.apiKeyFile ?? credentialPath(for: account) ?? "$" + account.api.apiKeyEnv
    }

    /// The key of `[api]`'s account; also registered with `SecretRedactor`, so that no log
    /// line or stored error can carry it from now on.
    public func resolve(_ settings: APISettings) throws(ConfigurationError) -> String {
        try resolve(Self.apiTableAccount(settings))
    }

    /// `account`'s key; also registered with `SecretRedactor`, so that no log line or
    /// stored error can carry it from now on.
    public func resolve(_ account: AccountSettings) throws(ConfigurationError) -> String {
        let key = try find(account)
        SecretRedactor.register(key)
        return key
    }

    /// `account`'s webhook secret (`whsec_…`), trimmed: from `webhook_secret_file` when set,
    /// else from the variable `webhook_secret_env` names; nil when it has neither (its
    /// webhooks are refused). A configured secret that is missing or empty is an error:
    /// the webhooks the user asked for would otherwise all be refused without a word.
    /// Registered with `SecretRedactor`, as the key is, since whoever holds it can sign
    /// webhooks that ftd trusts.
    public func webhookSecret(_ account: AccountSettings) throws(ConfigurationError) -> String? {
        let section = account.configKey
        let secret: String
        if let path = account.webhookSecretFile {
            let configKey = "\(section).webhook_secret_file"
            try checkPrivate(
                path, configKey: configKey,
                risk: "anyone who reads it can sign webhooks that ftd trusts")
            secret = try contents(
                ofFile: path, configKey: configKey, what: "the webhook's signing secret (whsec_…)")
        } else if let variable = account.webhookSecretEnv {
            secret = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !secret.isEmpty else {
                throw .invalid(
                    "\(section).webhook_secret_env",
                    "\(variable) is not set: export the webhook's signing secret (whsec_…), or set \(section).webhook_secret_file"
                )
            }
        } else {
            return nil
        }
        SecretRedactor.register(secret)
        return secret
    }

    /// `[api]`'s account with `settings`, so that the `APISettings` entry points keep
    /// their messages (`api.api_key_file`) and the `openai_api_key` credential.
    private static func apiTableAccount(_ settings: APISettings) -> AccountSettings {
        AccountSettings(name: DefaultAccount.name, api: settings, fromAPITable: true)
    }

    private func find(_ account: AccountSettings) throws(ConfigurationError) -> String {
        let section = account.configKey
        let settings = account.api
        let keyRisk = "anyone who reads it can spend on your account"
        if let path = settings.apiKeyFile {
            try checkPrivate(path, configKey: "\(section).api_key_file", risk: keyRisk)
            return try contents(ofFile: path, configKey: "\(section).api_key_file", what: "the API key")
        }
        if let path = credentialPath(for: account) {
            return try contents(
                ofFile: path, configKey: "credential \(Self.credentialName(for: account))",
                what: "the API key")
        }
        let key = environment[settings.apiKeyEnv]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !key.isEmpty else {
            let whose = account.fromAPITable ? "your API key" : "the API key of account \(account.name)"
            throw ConfigurationError(
                key: "\(section).api_key_env",
                description:
                    "\(section): \(settings.apiKeyEnv) is not set: export \(whose), or set \(section).api_key_file"
            )
        }
        return key
    }

    /// A secret file every user may read is a secret every user has: refused, as ssh
    /// refuses such a private key. Group access is the administrator's choice (group `ftd`).
    private func checkPrivate(_ path: String, configKey: String, risk: String) throws(ConfigurationError) {
        guard let mode = fileMode(path), mode & 0o007 != 0 else { return }
        let octal = String(mode & 0o777, radix: 8)
        throw .invalid(
            configKey,
            "\(path) is open to every user on this machine (mode 0\(octal)): run chmod 600 \(path) (or 640 with the daemon's group), since \(risk)"
        )
    }

    /// The file's trimmed contents; `what` names the secret for the message about an empty file.
    private func contents(ofFile path: String, configKey: String, what: String) throws(ConfigurationError)
        -> String
    {
        let contents: String
        do {
            contents = try readFile(path)
        } catch {
            throw .invalid(configKey, "cannot read \(path): \(ConfigurationLoader.reason(error))")
        }
        let secret = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else {
            throw .invalid(configKey, "\(path) is empty: write \(what) into it")
        }
        return secret
    }
}
