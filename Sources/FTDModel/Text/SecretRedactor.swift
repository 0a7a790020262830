import Foundation

/// Keeps API keys out of every text ftd logs or stores. An API error message may echo the
/// request's `Authorization` header (proxies and some compatible servers do), and that
/// message reaches the log, the database's last error and `ftd status`.
///
/// The keys ftd resolved are registered once, process-wide, as log masking in CI systems
/// works: whatever later carries one of them, or anything shaped like a key (`sk-…`,
/// `Bearer …`), has it replaced before it is written anywhere.
public enum SecretRedactor {
    /// What stands where a secret was.
    public static let mask = "[redacted]"
    /// Shorter values are not registered: masking them would garble ordinary text.
    static let minimumLength = 8

    private static let registered = Locked<Set<String>>([])

    /// Registers a secret (an API key) to be masked from now on.
    public static func register(_ secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= minimumLength else { return }
        registered.withLock { _ = $0.insert(trimmed) }
    }

    /// `text` with every registered secret, `sk-…` key and `Bearer …` credential masked.
    public static func redact(_ text: String) -> String {
        var result = text
        let secrets = registered.withLock { Array($0) }
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: mask)
        }
        if result.contains("sk-") {
            result.replace(/sk-[A-Za-z0-9_\-]{8,}/) { _ in "sk-" + mask }
        }
        if result.localizedCaseInsensitiveContains("bearer") {
            result.replace(/(?i)(bearer)\s+[^\s"',;]+/) { match in String(match.output.1) + " " + mask }
        }
        return result
    }
}
