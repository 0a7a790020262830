import FTDSimulator
import Foundation
import Testing

/// Every failure is one `ftd: …` line on stderr and a sysexits status (SPEC section 1).
@Suite struct ExitCodeTests {
    @Test func aMissingKeyIsAConfigurationError() async throws {
        try await Sandbox.with { sandbox in
            let result = try await sandbox.ftd(["run", "--once"], environment: [:])
            #expect(result.status == 78)
            #expect(result.stderr.hasPrefix("ftd: "))
            #expect(result.stderr.contains("OPENAI_API_KEY"))
            #expect(!FileManager.default.fileExists(atPath: sandbox.databasePath))
        }
    }

    @Test func anUnknownConfigKeyIsNamedWithExit78() async throws {
        try await Sandbox.with { sandbox in
            try "[poll]\nintervl = 5\n".write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
            let result = try await sandbox.ftd(["run", "--once"])
            #expect(result.status == 78)
            #expect(result.stderr.contains("poll.intervl"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func aRejectedKeyExits77() async throws {
        let configuration = SimulatorConfiguration(
            clock: .manual(start: 1_750_000_000), revokedKeys: [Sandbox.apiKey])
        try await Sandbox.with(configuration) { sandbox in
            let result = try await sandbox.ftd(["run", "--once"])
            #expect(result.status == 77)
            #expect(!result.stderr.contains(Sandbox.apiKey))
        }
    }

    @Test func anUnreachableAPIExits69AndKeepsNothingHalfDone() async throws {
        try await Sandbox.with { sandbox in
            try """
            [api]
            base_url = "http://127.0.0.1:9/v1"
            max_retries = 1
            [storage]
            database = "\(sandbox.databasePath)"
            """.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
            let result = try await sandbox.ftd(["run", "--once"])
            #expect(result.status == 69, "\(result.stderr)")
            #expect(result.stderr.contains("GET /fine_tuning/jobs"))
        }
    }

    @Test func aFaultThatOutlastsTheRetriesExits69AndTheNextRunResumes() async throws {
        var configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000))
        configuration.faults = [try FaultRule.parse("503:count=2:path=/events")]
        try await Sandbox.with(configuration) { sandbox in
            let failed = try await sandbox.ftd(["run", "--once"])
            #expect(failed.status == 69, "\(failed.stderr)")
            #expect(failed.stderr.contains("503"))
            let jobs = try await sandbox.jobs()
            #expect(jobs.count == 1)  // the job was recorded; its events were not
            let resumed = try await sandbox.ftd(["run", "--once"])
            #expect(resumed.status == 0)
            let id = try #require(jobs.first?["id"] as? String)
            let detail = try #require(try await sandbox.historyJSON(id) as? [String: Any])
            #expect((detail["events"] as? [Any])?.count == 2)
        }
    }

    @Test func historyOfAnUnknownJobExits65AndNeedsNoKey() async throws {
        try await Sandbox.with { sandbox in
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            let unknown = try await sandbox.ftd(["history", "ftjob-nope"], environment: [:])
            #expect(unknown.status == 65)
            #expect(unknown.stderr.contains("ftjob-nope"))
            let known = try await sandbox.ftd(["history"], environment: [:])
            #expect(known.status == 0)
        }
    }

    @Test func historyWithoutADatabaseSaysWhatToDo() async throws {
        try await Sandbox.with { sandbox in
            let result = try await sandbox.ftd(["history"], environment: [:])
            #expect(result.status == 66)
            #expect(result.stderr.contains("ftd run"))
            #expect(!FileManager.default.fileExists(atPath: sandbox.databasePath))
        }
    }

    @Test func badUsageExits64() async throws {
        try await Sandbox.with { sandbox in
            let result = try await sandbox.ftd(["history", "--limit", "0"], environment: [:])
            #expect(result.status == 64)
        }
    }
}
