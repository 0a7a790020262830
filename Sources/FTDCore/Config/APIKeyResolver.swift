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

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) },
        readFile: @escaping @Sendable (String) throws -> String = {
            try String(contentsOfFile: $0, encoding: .utf8)
        }
    ) {
        self.environment = environment
        self.fileExists = fileExists
        self.readFile = readFile
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

    public func resolve(_ settings: APISettings) throws(ConfigurationError) -> String {
        if let path = settings.apiKeyFile {
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
