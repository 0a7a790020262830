import FTDConfig
import Foundation
import Testing

/// The README's multi-account example is a configuration ftd accepts, and says what the
/// README says it does: a user copies it as it is.
struct ReadmeAccountsExampleTests {
    static func example() throws -> String {
        let readme = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.range(of: "### Several accounts"))
        let start = try #require(text.range(of: "```toml\n", range: section.upperBound..<text.endIndex))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        return String(text[start.upperBound..<end.lowerBound])
    }

    @Test func theReadmesAccountsExampleLoads() throws {
        let configuration = try ConfigAccountsTests.load(try Self.example())
        #expect(configuration.accounts.map(\.name) == ["research", "client-a", "azure-eu"])
        #expect(configuration.listsAccounts)
        let azure = try #require(configuration.account(named: "azure-eu"))
        #expect(
            azure.provider
                == .azure(endpoint: "https://my-resource.openai.azure.com", apiVersion: "2024-10-21"))
        #expect(configuration.account(named: "client-a")?.api.maxRequestsPerMinute == 30)
    }
}
