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

    /// The example's lines, and where its `[api]` table and its `[[accounts]]` example are:
    /// `[api]` runs from its header to the first "#[[accounts]]", the accounts example from
    /// there to `[poll]`.
    static func exampleParts() throws -> (lines: [Substring], api: Range<Int>, accounts: Range<Int>) {
        let text = try String(contentsOfFile: examplePath, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let api = try #require(lines.firstIndex(of: "[api]"))
        let accounts = try #require(lines.firstIndex(of: "#[[accounts]]"))
        let poll = try #require(lines.firstIndex(of: "[poll]"))
        return (lines, api..<accounts, accounts..<poll)
    }

    /// "#key = …" and "#[[hooks]]" are settings, switched on by removing the "#";
    /// "# words" are explanations.
    static func switchedOn(_ line: Substring) -> Substring {
        line.hasPrefix("#") && !line.hasPrefix("# ") && line.count > 1 ? line.dropFirst() : line
    }

    @Test func exampleLoadsWithEveryOptionalSettingSwitchedOn() throws {
        // [api] and [[accounts]] exclude each other: here [api]'s settings, without the
        // accounts example and the hook's account filter that names its accounts.
        let parts = try Self.exampleParts()
        let enabled = parts.lines.indices.map { index in
            let line = parts.lines[index]
            return parts.accounts.contains(index) || line.hasPrefix("#accounts = ")
                || Self.postgresLines.contains(where: line.hasPrefix)
                ? line : Self.switchedOn(line)
        }.joined(separator: "\n")
        let configuration = try Self.loader.load(contents: enabled, path: "enabled.toml")
        #expect(configuration.api.apiKeyFile == "/run/credentials/ftd.service/openai_api_key")
        #expect(configuration.api.maxRequestsPerMinute == 60)
        #expect(configuration.api.organization == "org-...")
        #expect(configuration.api.project == "proj_...")
        #expect(configuration.accounts[0].webhookSecretEnv == "OPENAI_WEBHOOK_SECRET")
        #expect(
            configuration.accounts[0].webhookSecretFile
                == "/run/credentials/ftd.service/openai_webhook_secret")
        #expect(!configuration.listsAccounts)
        #expect(configuration.storage.database == "/var/lib/ftd/ftd.sqlite3")
        #expect(configuration.prices == ["gpt-4o-mini-2024-07-18": 3.0])
        #expect(
            configuration.hooks == [
                HookSettings(
                    name: "notify", on: ["succeeded", "failed", "cancelled"],
                    command: .argv(["/etc/ftd/hooks/notify.sh", "--channel", "ml"]), timeout: 60, retries: 2)
            ])
    }

    @Test func exampleAccountsLoadAsSPECSection8Describes() throws {
        // The accounts example switched on and [api] removed, as its comment tells users.
        let parts = try Self.exampleParts()
        let enabled = parts.lines.indices.filter { !parts.api.contains($0) }.map { index in
            let line = parts.lines[index]
            return Self.postgresLines.contains(where: line.hasPrefix) ? line : Self.switchedOn(line)
        }.joined(separator: "\n")
        let configuration = try Self.loader.load(contents: enabled, path: "accounts.toml")
        #expect(configuration.listsAccounts)
        var research = APISettings()
        research.apiKeyEnv = "OPENAI_API_KEY_RESEARCH"
        var azure = APISettings()
        azure.baseURL = "https://my-resource.openai.azure.com/openai"
        azure.apiKeyEnv = "AZURE_OPENAI_API_KEY"
        #expect(
            configuration.accounts == [
                AccountSettings(name: "research", api: research),
                AccountSettings(
                    name: "azure-eu",
                    provider: .azure(
                        endpoint: "https://my-resource.openai.azure.com", apiVersion: "2024-10-21"),
                    api: azure),
            ])
        #expect(configuration.hooks.map(\.accounts) == [["research"]])
    }

    /// `url` replaces `database`: the example's PostgreSQL lines are switched on alone.
    static let postgresLines = ["#url = ", "#password_file = "]

    @Test func exampleLoadsWithThePostgreSQLStoreSwitchedOnInsteadOfTheFile() throws {
        let text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        let enabled = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            Self.postgresLines.contains(where: line.hasPrefix) ? Self.switchedOn(line) : line
        }.joined(separator: "\n")
        let configuration = try Self.loader.load(contents: enabled, path: "postgres.toml")
        let postgres = try #require(configuration.storage.postgres)
        #expect(postgres.displayName == "postgres://ftd@db.internal:5432/ftd")
        #expect(postgres.tls == .require)
        #expect(postgres.passwordFile == "/etc/ftd/pg_password")
    }

    @Test func exampleDocumentsEveryKey() throws {
        let text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        let keys =
            ConfigurationParser.apiKeys + AccountSettingsParser.keys + ConfigurationParser.pollKeys
            + ConfigurationParser.storageKeys + ConfigurationParser.hookKeys
        for key in keys {
            #expect(text.contains("\(key) = "), "\(key) is not in config/ftd.toml")
        }
    }
}
