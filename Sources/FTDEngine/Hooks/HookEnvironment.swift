/// The environment a hook process starts with: the daemon's own, minus what belongs to
/// the daemon alone, plus the delivery's `FTD_*` variables.
enum HookEnvironment {
    /// `NOTIFY_SOCKET` and `WATCHDOG_*` would let a hook speak for the daemon to systemd
    /// (a stray `systemd-notify` could report READY or feed the watchdog);
    /// `CREDENTIALS_DIRECTORY` leads to the API key, which, like the key's own variable
    /// (and `OPENAI_API_KEY` whichever variable is configured), a hook has no use for;
    /// `JOURNAL_STREAM` would tell the hook its stderr is the journal when it is ftd's pipe.
    static let daemonOnly: Set<String> = [
        "NOTIFY_SOCKET", "CREDENTIALS_DIRECTORY", "JOURNAL_STREAM", "OPENAI_API_KEY",
    ]

    static func merged(base: [String: String], adding: [String: String], apiKeyVariable: String)
        -> [String: String]
    {
        merged(base: base, adding: adding, keyVariables: [apiKeyVariable])
    }

    static func merged(base: [String: String], adding: [String: String], keyVariables: Set<String>)
        -> [String: String]
    {
        var result = base.filter { key, _ in
            !daemonOnly.contains(key) && !key.hasPrefix("WATCHDOG_") && !keyVariables.contains(key)
        }
        // A NUL would make the whole environment invalid (`replacingNUL`).
        result.merge(adding.mapValues(\.replacingNUL)) { _, new in new }
        return result
    }
}
