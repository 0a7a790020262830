import Foundation

/// Finds the API key: `api.api_key_file` when set (systemd credentials), else the
/// environment variable named by `api.api_key_env`. Its errors never contain the key.
public struct APIKeyResolver: Sendable {
    public var environment: [String: String]
    public var readFile: @Sendable (String) throws -> String

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        readFile: @escaping @Sendable (String) throws -> String = {
            try String(contentsOfFile: $0, encoding: .utf8)
        }
    ) {
        self.environment = environment
        self.readFile = readFile
    }

    public func resolve(_ settings: APISettings) throws(ConfigurationError) -> String {
        if let path = settings.apiKeyFile {
            let contents: String
            do {
                contents = try readFile(path)
            } catch {
                throw .invalid(
                    "api.api_key_file", "cannot read \(path): \(ConfigurationLoader.reason(error))")
            }
            let key = contents.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty else {
                throw .invalid("api.api_key_file", "\(path) is empty: write the API key into it")
            }
            return key
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
}
