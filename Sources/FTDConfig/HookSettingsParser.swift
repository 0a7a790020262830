import FTDModel
import Foundation

/// Reads the `[[hooks]]` array. Errors name a hook by its name when it has one
/// (`hooks.notify.timeout`), else by its index (`hooks[1].name`).
enum HookSettingsParser {
    /// `accounts`: the configured accounts' names, which a hook's `accounts` may list.
    static func hooks(_ node: ConfigNode, accounts: [String]) throws(ConfigurationError) -> [HookSettings] {
        guard case .array(let elements) = node else {
            throw .invalid(
                "hooks", "expected an array of tables, written [[hooks]], got \(node.typeName)")
        }
        var hooks: [HookSettings] = []
        var indexByName: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            let hook = try self.hook(element, index: index, accounts: accounts)
            if let earlier = indexByName[hook.name] {
                throw .invalid(
                    "hooks[\(index)].name",
                    "\"\(hook.name)\" is already the name of hooks[\(earlier)]; names must be unique")
            }
            indexByName[hook.name] = index
            hooks.append(hook)
        }
        return hooks
    }

    static func hook(_ node: ConfigNode, index: Int, accounts: [String]) throws(ConfigurationError)
        -> HookSettings
    {
        guard case .table(let fields) = node else {
            throw .invalid("hooks[\(index)]", "expected a table, got \(node.typeName)")
        }
        let label = label(fields, index: index)
        let table = try ConfigTableReader(
            path: label, fields: fields, allowed: ConfigurationParser.hookKeys)
        guard let name = try table.string("name") else {
            throw .invalid("\(label).name", "missing: every hook needs a unique name")
        }
        let onExpected =
            "expected a non-empty array of statuses, like [\"succeeded\", \"failed\"] or [\"*\"], and alerts, like [\"alert:stalled\"] or [\"alert:*\"]"
        guard let on = try table.stringArray("on", expected: onExpected) else {
            throw .invalid("\(label).on", "missing: \(onExpected)")
        }
        try validateAlerts(on, key: "\(label).on")
        guard let commandNode = table.node("command") else {
            throw .invalid(
                "\(label).command", "missing: expected an argv array or a shell command string")
        }
        let command = try self.command(commandNode, key: "\(label).command")
        let timeout =
            try table.positiveNumber("timeout", expected: "expected a positive number of seconds") ?? 60
        let retries =
            try table.wholeNumber("retries", minimum: 0, expected: "expected a whole number ≥ 0") ?? 2
        let only = try self.accounts(table, label: label, configured: accounts)
        return HookSettings(
            name: name, on: on, command: command, timeout: timeout, retries: retries, accounts: only)
    }

    /// An `alert:` entry names a kind of SPEC section 10, or `*`: a typo would otherwise be
    /// a hook that silently never fires.
    /// The prefix is matched in any case: `ALERT:stalled` is the same typo, not a status.
    static func validateAlerts(_ on: [String], key: String) throws(ConfigurationError) {
        for entry in on where entry.lowercased().hasPrefix(AlertKind.hookPrefix) {
            let kind = entry.dropFirst(AlertKind.hookPrefix.count)
            guard entry.hasPrefix(AlertKind.hookPrefix),
                kind == "*" || AlertKind(rawValue: String(kind)) != nil
            else {
                let kinds = AlertKind.allCases.map { "alert:\($0.rawValue)" }.joined(separator: ", ")
                throw .invalid(key, "unknown alert \"\(entry)\": expected one of \(kinds) or alert:*")
            }
        }
    }

    /// `accounts`: nil (every account) when absent. A name no account has is an error
    /// rather than a hook that silently never fires, as a typo or a renamed account would
    /// otherwise make it.
    static func accounts(_ table: ConfigTableReader, label: String, configured: [String])
        throws(ConfigurationError) -> [String]?
    {
        guard
            let names = try table.stringArray(
                "accounts", expected: "expected a non-empty array of account names, like [\"research\"]")
        else { return nil }
        for name in names where !configured.contains(name) {
            throw .invalid(
                "\(label).accounts",
                "no account named \(name); configured: \(configured.joined(separator: ", "))")
        }
        return names
    }

    /// `hooks.NAME` when the hook has a usable name, else `hooks[INDEX]`.
    static func label(_ fields: [String: ConfigNode], index: Int) -> String {
        if case .string(let name) = fields["name"], !name.trimmingCharacters(in: .whitespaces).isEmpty {
            return "hooks.\(name)"
        }
        return "hooks[\(index)]"
    }

    static func command(_ node: ConfigNode, key: String) throws(ConfigurationError)
        -> HookSettings.Command
    {
        let expected = "expected a non-empty argv array of strings or a non-empty shell command string"
        switch node {
        case .string(let line):
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .invalid(key, expected)
            }
            return .shell(line)
        case .array(let elements):
            guard !elements.isEmpty else { throw .invalid(key, expected) }
            var argv: [String] = []
            for (index, element) in elements.enumerated() {
                guard case .string(let argument) = element else {
                    throw .invalid("\(key)[\(index)]", "expected a string, got \(element.typeName)")
                }
                argv.append(argument)
            }
            guard !argv[0].isEmpty else {
                throw .invalid("\(key)[0]", "expected the program to run, got an empty string")
            }
            return .argv(argv)
        default:
            throw .invalid(key, "\(expected), got \(node.typeName)")
        }
    }
}
