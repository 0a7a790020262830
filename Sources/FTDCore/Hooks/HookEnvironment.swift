/// The environment a hook process starts with: the daemon's own, minus what belongs to
/// the daemon alone, plus the delivery's `FTD_*` variables.
enum HookEnvironment {
    /// `NOTIFY_SOCKET` and `WATCHDOG_*` would let a hook speak for the daemon to systemd
    /// (a stray `systemd-notify` could report READY or feed the watchdog); the API key
    /// is a secret a notification script has no use for.
    static func merged(base: [String: String], adding: [String: String], apiKeyVariable: String)
        -> [String: String]
    {
        var result = base.filter { key, _ in
            key != "NOTIFY_SOCKET" && !key.hasPrefix("WATCHDOG_") && key != apiKeyVariable
        }
        result.merge(adding) { _, new in new }
        return result
    }
}
