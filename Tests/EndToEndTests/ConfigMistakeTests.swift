import Foundation
import Testing

/// Every configuration mistake a user makes (issue 5, item 5): one line naming the key or
/// the path, exit 78, and nothing started: no database, no request.
@Suite struct ConfigMistakeTests {
    struct Mistake: Sendable, CustomTestStringConvertible {
        var name: String
        /// The file's text after `[storage]` and the database line; `nil` writes no file.
        var extra: String?
        var arguments: [String] = []
        var environment: [String: String] = ["OPENAI_API_KEY": Sandbox.apiKey]
        /// What the one line must name.
        var names: String
        var testDescription: String { name }
    }

    static let hookHead = "\n[[hooks]]\nname = \"notify\"\non = [\"*\"]\n"

    static let mistakes: [Mistake] = [
        Mistake(
            name: "missing file", extra: nil, arguments: ["--config", "/nonexistent/ftd.toml"],
            names: "/nonexistent/ftd.toml"),
        Mistake(name: "bad TOML", extra: "[poll\ninterval = 3", names: "ftd.toml"),
        Mistake(name: "unknown key", extra: "colour = true", names: "storage.colour"),
        Mistake(name: "wrong type", extra: "[poll]\ninterval = \"30\"", names: "poll.interval"),
        Mistake(name: "negative interval", extra: "[poll]\nidle_interval = -5", names: "poll.idle_interval"),
        Mistake(
            name: "zero timeout", extra: hookHead + "command = \"true\"\ntimeout = 0",
            names: "hooks.notify.timeout"),
        Mistake(
            name: "hook command not found", extra: hookHead + "command = [\"/nonexistent/notify.sh\"]",
            names: "hooks.notify.command"),
        Mistake(
            name: "hook not executable", extra: hookHead + "command = [\"NOT_EXECUTABLE\"]",
            names: "hooks.notify.command"),
        Mistake(
            name: "hook program not on PATH", extra: hookHead + "command = [\"no-such-program-ftd\"]",
            names: "hooks.notify.command"),
        Mistake(
            name: "duplicate hook names",
            extra: hookHead + "command = \"true\"" + hookHead + "command = \"false\"", names: "notify"),
        Mistake(
            name: "hook without on", extra: "\n[[hooks]]\nname = \"x\"\ncommand = \"true\"",
            names: "hooks.x.on"),
        Mistake(
            name: "unreadable key file", extra: "[api]\napi_key_file = \"/nonexistent/key\"",
            environment: [:], names: "api.api_key_file"),
        Mistake(
            name: "empty key file", extra: "[api]\napi_key_file = \"EMPTY_KEY\"", environment: [:],
            names: "api.api_key_file"),
        Mistake(
            name: "key file readable by every user", extra: "[api]\napi_key_file = \"OPEN_KEY\"",
            environment: [:], names: "mode 0644"),
        Mistake(
            name: "empty key variable", extra: "", environment: ["OPENAI_API_KEY": " "],
            names: "OPENAI_API_KEY"),
        Mistake(name: "bad base URL", extra: "[api]\nbase_url = \"ftp://x\"", names: "api.base_url"),
        Mistake(
            name: "stop timeout too long", extra: "[daemon]\nstop_timeout = 99999",
            names: "daemon.stop_timeout"),
    ]

    @Test(arguments: mistakes)
    func answersWithOneLineNamingItAndExit78(_ mistake: Mistake) async throws {
        try await Sandbox.with { sandbox in
            let notExecutable = sandbox.directory.appendingPathComponent("notify.sh").path
            try "#!/bin/sh\n".write(toFile: notExecutable, atomically: true, encoding: .utf8)
            chmod(notExecutable, 0o644)
            let emptyKey = sandbox.directory.appendingPathComponent("key").path
            try "\n".write(toFile: emptyKey, atomically: true, encoding: .utf8)
            chmod(emptyKey, 0o600)
            let openKey = sandbox.directory.appendingPathComponent("open-key").path
            try "sk-open-1234567890\n".write(toFile: openKey, atomically: true, encoding: .utf8)
            chmod(openKey, 0o644)
            if let extra = mistake.extra {
                // [api] and [poll] tables would be defined twice: start a fresh file then.
                let own = extra.contains("[api]") || extra.contains("[poll]")
                let text =
                    extra.replacingOccurrences(of: "NOT_EXECUTABLE", with: notExecutable)
                    .replacingOccurrences(of: "EMPTY_KEY", with: emptyKey)
                    .replacingOccurrences(of: "OPEN_KEY", with: openKey)
                if own {
                    try "[storage]\ndatabase = \"\(sandbox.databasePath)\"\n\n\(text)\n".write(
                        toFile: sandbox.configPath, atomically: true, encoding: .utf8)
                } else {
                    try sandbox.writeConfig(text)
                }
            }
            let arguments = mistake.arguments.isEmpty ? ["--config", sandbox.configPath] : mistake.arguments
            let result = try await FTDProcess.run(
                ["run", "--once"] + arguments, in: sandbox.directory, environment: mistake.environment)
            #expect(result.status == 78, "\(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("ftd: "))
            #expect(result.stderr.contains(mistake.names), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: sandbox.databasePath))
            #expect(await sandbox.simulator.requestLog().isEmpty)
        }
    }

    @Test func historyExplainsAMissingOrForeignDatabase() async throws {
        try await Sandbox.with { sandbox in
            let missing = try await sandbox.ftd(["history"], environment: [:])
            #expect(missing.status == 66)
            #expect(missing.stderr.contains("ftd run"), "\(missing.stderr)")
            try FileManager.default.createDirectory(
                atPath: (sandbox.databasePath as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            try "these are my notes, not a database\n".write(
                toFile: sandbox.databasePath, atomically: true, encoding: .utf8)
            let foreign = try await sandbox.ftd(["history"], environment: [:])
            #expect(foreign.status != 0)
            #expect(foreign.stderr.split(separator: "\n").count == 1, "\(foreign.stderr)")
            #expect(foreign.stderr.contains(sandbox.databasePath), "\(foreign.stderr)")
            #expect(try String(contentsOfFile: sandbox.databasePath, encoding: .utf8).hasPrefix("these are"))
        }
    }
}
