import FTDConfig
import FTDModel
import FTDStore
import Foundation

/// `ftd hooks list`: each configured hook and what fires it.
public enum HookListView {
    public static func render(_ hooks: [HookSettings], source: String?) -> String {
        let from = source.map { "in \($0)" } ?? "(no configuration file: built-in defaults)"
        guard !hooks.isEmpty else {
            return
                "No hooks configured \(from).\nAdd a [[hooks]] table: see config/ftd.toml and the README.\n"
        }
        var text = "\(hooks.count) hook\(hooks.count == 1 ? "" : "s") \(from)\n"
        for hook in hooks {
            let statuses = hook.on.contains("*") ? "every transition" : hook.on.joined(separator: ", ")
            text += "\n\(hook.name)\n"
            text += "  on       \(statuses)\n"
            if let accounts = hook.accounts {
                text += "  accounts \(accounts.joined(separator: ", ")) only\n"
            }
            text += "  command  \(describe(hook.command))\n"
            text +=
                "  timeout  \(format(hook.timeout)) s, then SIGTERM to its process group (SIGKILL 5 s later)\n"
            text += "  retries  \(hook.retries) (1 + \(hook.retries) attempts, backoff 1 s, 2 s, 4 s, …)\n"
        }
        return text
    }

    static func describe(_ command: HookSettings.Command) -> String {
        switch command {
        case .argv(let argv): return argv.map(quoted).joined(separator: " ")
        case .shell(let script): return "/bin/sh -c \(quoted(script))"
        }
    }

    static func quoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
    }
}

/// `ftd hooks test`: what the hook got and what it did.
public enum HookTestView {
    public static func render(hook: HookSettings, delivery: HookDelivery, result: HookRunResult) -> String {
        let transition = delivery.transition
        var text =
            if let alert = delivery.alert {
                "hook \(hook.name): \(transition.jobID) alert \(alert.kind.rawValue): "
                    + TerminalSanitizer.clean(alert.detail) + "\n"
            } else {
                "hook \(hook.name): \(transition.jobID) \(transition.from ?? "(new)") → \(transition.to)\n"
            }
        text += "command: \(HookListView.describe(hook.command))\n"
        text += section("stdout", result.stdout)
        text += section("stderr", result.stderr)
        let exit = result.exitCode.map { "exit code \($0)" } ?? "killed (no exit code)"
        let outcome = result.timedOut ? "timed out after \(HookListView.format(hook.timeout)) s" : exit
        text += "\(result.outcome.rawValue): \(outcome), \(result.durationMs) ms\n"
        return text
    }

    static func section(_ name: String, _ output: String) -> String {
        guard !output.isEmpty else { return "\(name): (empty)\n" }
        return "\(name):\n"
            + output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  | \($0)" }.joined(separator: "\n") + (output.hasSuffix("\n") ? "" : "\n")
    }
}
