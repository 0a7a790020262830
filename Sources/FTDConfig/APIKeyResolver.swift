import FTDModel
import Foundation

/// Finds the API key: `api.api_key_file` when set; else the systemd credential
/// `$CREDENTIALS_DIRECTORY/openai_api_key` (`LoadCredential=openai_api_key:…`) when it
/// exists; else the environment variable named by `api.api_key_env`. Its errors never
/// contain the key.
public struct APIKeyResolver: Sendable {
    /// The credential's name in `LoadCredential=`.
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

    /// The credential file systemd passes, when there is one.
    public var credentialPath: String? {
        guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else { return nil }
        let path =
            directory.hasSuffix("/") ? directory + Self.credentialName : "\(directory)/\(Self.credentialName)"
        return fileExists(path) ? path : nil
    }

    /// Where the key comes from, for messages: a path or `$VARIABLE`.
    public func source(_ settings: APISettings) -> String {
        settings.apiKeyFile ?? credentialPath ?? "$" + settings.apiKeyEnv
    }

    /// The key; also registered with `SecretRedactor`, so that no log line or stored
    /// error can carry it from now on.
    public func resolve(_ settings: APISettings) throws(ConfigurationError) -> String {
        let key = try find(settings)
        SecretRedactor.register(key)
        return key
    }

    private func find(_ settings: APISettings) throws(ConfigurationError) -> String {
        if let path = settings.apiKeyFile {
            try checkPrivate(path, configKey: "api.api_key_file")
            return try key(inFile: path, configKey: "api.api_key_file")
        }
        if let path = credentialPath {
            return try key(inFile: path, configKey: "credential \(Self.credentialName)")
        }
        let key = environment[settings.apiKeyEnv]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !key.isEmpty else {
            throw ConfigurationError(
                key: "api.api_key_env",
                description:
                    "api: \(settings.apiKeyEnv) is not set: export your API key, or set api.api_key_file")
        }
        return key
    }

    /// A key file every user may read is a key every user has: refused, as ssh refuses
    /// such a private key. Group access is the administrator's choice (group `ftd`).
    private func checkPrivate(_ path: String, configKey: String) throws(ConfigurationError) {
        guard let mode = fileMode(path), mode & 0o007 != 0 else { return }
        let octal = String(mode & 0o777, radix: 8)
        throw .invalid(
            configKey,
            "\(path) is open to every user on this machine (mode 0\(octal)): run chmod 600 \(path) (or 640 with the daemon's group), since anyone who reads it can spend on your account"
        )
    }

    private func key(inFile path: String, configKey: String) throws(ConfigurationError) -> String {
        let contents: String
        do {
            contents = try readFile(path)
        } catch {
            throw .invalid(configKey, "cannot read \(path): \(ConfigurationLoader.reason(error))")
        }
        let key = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else {
            throw .invalid(configKey, "\(path) is empty: write the API key into it")
        }
        return key
    }
}
