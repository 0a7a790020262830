import CFTDSystem
import Foundation

/// What a hook, running as the daemon's user, could otherwise read of the daemon's secrets
/// (issue 19, item 6). Hooks get an environment without the key variable, but a process of
/// the same user can read the daemon's own start-up environment from
/// `/proc/$PPID/environ`, and its memory through `/proc/$PPID/mem` or ptrace.
public enum ProcessSecrets {
    /// Makes this process not dumpable: no core dump (which would hold the key), and its
    /// `/proc` files and ptrace closed to processes of the same user. Returns whether the
    /// kernel agreed.
    @discardableResult
    public static func closeProcessToItsUser() -> Bool {
        cftd_set_dumpable(0) == 0
    }

    /// Whether the process is still dumpable (nil when the kernel does not say).
    public static var isDumpable: Bool? {
        switch cftd_get_dumpable() {
        case 0: false
        case 1: true
        default: nil
        }
    }

    /// Removes `variable` from the process's environment, overwriting its value where the
    /// kernel shows it: `/proc/PID/environ` reads the environment block the process was
    /// started with, which `unsetenv` alone leaves in place. Read the key (and take any copy
    /// of the environment that needs it) before.
    public static func scrubEnvironmentVariable(_ variable: String) {
        guard !variable.isEmpty, !variable.contains("=") else { return }
        if let value = getenv(variable) {
            memset(value, 0, strlen(value))
        }
        unsetenv(variable)
    }
}
