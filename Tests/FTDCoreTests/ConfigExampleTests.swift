import Foundation
import Testing

@testable import FTDConfig

/// `config/ftd.toml` is the documentation users copy: it must load, with and without
/// its optional settings switched on, and its values must be the real defaults.
@Suite struct ConfigExampleTests {
    static var examplePath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/ftd.toml").path
    }

    static let loader = ConfigurationLoader(environment: ["HOME": "/home/u"])

    @Test func exampleLoadsAndMatchesTheDefaults() throws {
        let configuration = try Self.loader.load(explicitPath: Self.examplePath)
        var defaults = try Self.loader.load(contents: "", path: "empty.toml")
        defaults.sourcePath = Self.examplePath
        #expect(configuration == defaults)
    }

    @Test func exampleLoadsWithEveryOptionalSettingSwitchedOn() throws {
        let text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        // "#key = …" and "#[[hooks]]" are settings; "# words" are explanations.
        let enabled = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("#") && !line.hasPrefix("# ") && line.count > 1 ? line.dropFirst() : line
        }.joined(separator: "\n")
        let configuration = try Self.loader.load(contents: enabled, path: "enabled.toml")
        #expect(configuration.api.apiKeyFile == "/run/credentials/ftd.service/openai_api_key")
        #expect(configuration.api.maxRequestsPerMinute == 60)
        #expect(configuration.api.organization == "org-...")
        #expect(configuration.api.project == "proj_...")
        #expect(configuration.storage.database == "/var/lib/ftd/ftd.sqlite3")
        #expect(
            configuration.hooks == [
                HookSettings(
                    name: "notify", on: ["succeeded", "failed", "cancelled"],
                    command: .argv(["/etc/ftd/hooks/notify.sh", "--channel", "ml"]), timeout: 60, retries: 2)
            ])
    }

    @Test func exampleDocumentsEveryKey() throws {
        let text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        let keys =
            ConfigurationParser.apiKeys + ConfigurationParser.pollKeys + ConfigurationParser.storageKeys
            + ConfigurationParser.hookKeys
        for key in keys {
            #expect(text.contains("\(key) = "), "\(key) is not in config/ftd.toml")
        }
    }
}
