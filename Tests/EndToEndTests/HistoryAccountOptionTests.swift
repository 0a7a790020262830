import Foundation
import Testing

/// `ftd history --account NAME` with a name that is no account: found by a hostile review,
/// where `--account Research` printed "No jobs recorded yet" (and `--json` printed `[]`)
/// over a database full of jobs.
@Suite struct HistoryAccountOptionTests {
    @Test func anUnknownAccountIsAUsageErrorNamingTheKnownOnes() async throws {
        try await Sandbox.with { sandbox in
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            // `default` is now in the database only; `other` in the configuration only.
            let config = """
                [[accounts]]
                name = "other"
                base_url = "\(sandbox.baseURL)"

                [storage]
                database = "\(sandbox.databasePath)"
                """
            try config.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)

            let typo = try await sandbox.ftd(["history", "--account", "Default"], environment: [:])
            #expect(typo.status == 64)
            #expect(typo.stderr.contains("no account named \"Default\""))
            #expect(typo.stderr.contains("known: other, default"))
            #expect(typo.stdout.isEmpty)

            let stored = try await sandbox.ftd(
                ["history", "--account", "default", "--json"], environment: [:])
            #expect(stored.status == 0, "\(stored.stderr)")
            let jobs = try #require(
                try JSONSerialization.jsonObject(with: Data(stored.stdout.utf8)) as? [[String: Any]])
            #expect(!jobs.isEmpty)

            let configured = try await sandbox.ftd(
                ["history", "--account", "other", "--json"], environment: [:])
            #expect(configured.status == 0, "\(configured.stderr)")
            #expect(configured.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        }
    }
}
