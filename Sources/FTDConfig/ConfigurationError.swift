import Foundation

/// A configuration that cannot be used (exit 78). The description names the key or
/// file at fault and what was expected, e.g.
/// `config: hooks.notify.timeout: expected a positive number of seconds`.
/// It never contains the API key.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key path at fault (`api.base_url`, `hooks[1].name`), nil for file-level errors.
    public var key: String?
    public var description: String

    public init(key: String?, description: String) {
        self.key = key
        self.description = description
    }

    /// A key with an unknown name, a wrong type or an impossible value.
    public static func invalid(_ key: String, _ problem: String) -> ConfigurationError {
        ConfigurationError(key: key, description: "config: \(key): \(problem)")
    }

    /// The file itself: missing, unreadable, or not TOML.
    public static func file(_ path: String, _ problem: String) -> ConfigurationError {
        ConfigurationError(key: nil, description: "config: \(path): \(problem)")
    }
}
