import FTDSimulator
import Foundation
import Logging
import Testing

/// One daemon, several accounts (SPEC section 8), with the built `ftd` against a
/// simulator per account: two OpenAI projects whose simulators share a seed (so they hold
/// the very same job ids) and an Azure resource.
@Suite(.timeLimit(.minutes(4))) struct MultiAccountDaemonTests {
    static let keys = [
        "research": "sk-research-0123456789", "team": "sk-team-0123456789", "azure-eu": "azure-eu-0123456789",
    ]
    static var environment: [String: String] {
        [
            "KEY_RESEARCH": keys["research"]!, "KEY_TEAM": keys["team"]!,
            "AZURE_OPENAI_API_KEY": keys["azure-eu"]!,
        ]
    }

    /// The simulators, started for `body` and stopped after it.
    struct Simulators {
        var research: FineTuningSimulator
        var team: FineTuningSimulator
        var azure: FineTuningSimulator
        var all: [FineTuningSimulator] { [research, team, azure] }
    }

    static func withSimulators(
        teamFaults: [FaultRule] = [], _ body: (Simulators, URL) async throws -> Void
    ) async throws {
        func simulator(_ flavor: SimulatorFlavor, faults: [FaultRule] = []) async throws
            -> FineTuningSimulator
        {
            var configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000))
            configuration.flavor = flavor
            configuration.finishedJobs = 2
            configuration.faults = faults
            let simulator = FineTuningSimulator(
                configuration: configuration, logger: Logger(label: "sim") { _ in SwiftLogNoOpLogHandler() })
            try await simulator.start()
            return simulator
        }
        let simulators = Simulators(
            research: try await simulator(.openai), team: try await simulator(.openai, faults: teamFaults),
            azure: try await simulator(.azure))
        let directory = try makeTemporaryDirectory()
        do {
            try await body(simulators, directory)
        } catch {
            for simulator in simulators.all { await simulator.stop() }
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        for simulator in simulators.all { await simulator.stop() }
        try? FileManager.default.removeItem(at: directory)
    }

    static func configuration(
        _ simulators: Simulators, directory: URL, accounts: Set<String>, extra: String = ""
    ) async -> String {
        var text = ""
        if accounts.contains("research") {
            text += """
                [[accounts]]
                name = "research"
                base_url = "\(await simulators.research.baseURL)"
                api_key_env = "KEY_RESEARCH"
                max_retries = 1

                """
        }
        if accounts.contains("team") {
            text += """
                [[accounts]]
                name = "team"
                base_url = "\(await simulators.team.baseURL)"
                api_key_env = "KEY_TEAM"
                max_retries = 1
                request_timeout = 120

                """
        }
        if accounts.contains("azure-eu") {
            text += """
                [[accounts]]
                name = "azure-eu"
                provider = "azure"
                endpoint = "\(await simulators.azure.endpoint)"
                api_version = "2024-10-21"
                max_retries = 1

                """
        }
        let hookLog = directory.appendingPathComponent("hooks.log").path
        return text + """
            [poll]
            interval = 1
            idle_interval = 1

            [storage]
            database = "\(directory.appendingPathComponent("ftd.sqlite3").path)"

            [[hooks]]
            name = "log"
            on = ["*"]
            command = ["/bin/sh", "-c", "echo \\"$FTD_ACCOUNT $FTD_JOB_ID $FTD_PREVIOUS_STATUS>$FTD_STATUS\\" >> \(hookLog)"]
            retries = 0
            \(extra)
            """
    }

    static func ftd(_ arguments: [String], _ directory: URL) async throws -> FTDProcess.Result {
        try await FTDProcess.run(
            arguments + ["--config", directory.appendingPathComponent("ftd.toml").path], in: directory,
            environment: environment)
    }

    static func write(_ text: String, _ directory: URL) throws {
        try text.write(to: directory.appendingPathComponent("ftd.toml"), atomically: true, encoding: .utf8)
    }

    static func hookLines(_ directory: URL) -> [String] {
        let text =
            (try? String(contentsOf: directory.appendingPathComponent("hooks.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Two OpenAI accounts, then an Azure resource added to the running installation: each
    /// account's first cycle is its baseline (no hook for its old jobs), the same job id
    /// lives in two accounts as two jobs, and every later change fires the hook with its
    /// account.
    @Test func twoOpenAIAccountsAndAnAzureResourceInOneDatabase() async throws {
        try await Self.withSimulators { simulators, directory in
            try Self.write(
                await Self.configuration(simulators, directory: directory, accounts: ["research", "team"]),
                directory)
            let baseline = try await Self.ftd(["run", "--once"], directory)
            #expect(baseline.status == 0, "\(baseline.stderr)")
            #expect(Self.hookLines(directory).isEmpty, "a baseline fires no hook")

            let history = try await Self.ftd(["history", "--json"], directory)
            let jobs = try #require(
                try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
            let research = jobs.filter { $0["account"] as? String == "research" }.compactMap {
                $0["id"] as? String
            }
            let team = jobs.filter { $0["account"] as? String == "team" }.compactMap { $0["id"] as? String }
            #expect(research.count == 3)
            // Same seed, same ids: two jobs, one per account.
            #expect(Set(research) == Set(team))
            #expect(Set(research) == Set(await simulators.research.jobIDs()))

            // The Azure resource joins; the OpenAI jobs move on meanwhile.
            await simulators.research.advanceClock(by: 3600)
            await simulators.team.advanceClock(by: 3600)
            try Self.write(
                await Self.configuration(
                    simulators, directory: directory, accounts: ["research", "team", "azure-eu"]), directory)
            let second = try await Self.ftd(["run", "--once"], directory)
            #expect(second.status == 0, "\(second.stderr)")
            let lines = Self.hookLines(directory)
            let active = try #require(await simulators.research.jobIDs().first)
            #expect(lines.contains("research \(active) validating_files>succeeded"), "\(lines)")
            #expect(lines.contains("team \(active) validating_files>succeeded"), "\(lines)")
            #expect(!lines.contains { $0.hasPrefix("azure-eu ") }, "the new account's baseline fires nothing")

            await simulators.azure.advanceClock(by: 3600)
            let third = try await Self.ftd(["run", "--once"], directory)
            #expect(third.status == 0, "\(third.stderr)")
            let azureJob = try #require(await simulators.azure.jobIDs().first)
            #expect(Self.hookLines(directory).contains("azure-eu \(azureJob) pending>succeeded"))

            let status = try await Self.ftd(["status", "--json"], directory)
            let parsed = try #require(
                try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let accounts = try #require(parsed["accounts"] as? [[String: Any]])
            #expect(accounts.compactMap { $0["name"] as? String } == ["azure-eu", "research", "team"])
            for account in accounts {
                let cycle = account["last_cycle"] as? [String: Any]
                #expect(cycle?["result"] as? String == "complete", "\(account)")
            }
            let table = try await Self.ftd(["history", "--account", "azure-eu", "--json"], directory)
            let azureJobs = try #require(
                try JSONSerialization.jsonObject(with: Data(table.stdout.utf8)) as? [[String: Any]])
            #expect(Set(azureJobs.compactMap { $0["account"] as? String }) == ["azure-eu"])
            #expect(
                azureJobs.contains {
                    $0["id"] as? String == azureJob && $0["status"] as? String == "succeeded"
                })
        }
    }

    /// `--once` exits 77 when one account's key is rejected, and still records the others.
    @Test func oneRejectedKeyExits77AndTheOthersAreRecorded() async throws {
        try await Self.withSimulators { simulators, directory in
            await simulators.team.revokeKey(Self.keys["team"]!)
            try Self.write(
                await Self.configuration(simulators, directory: directory, accounts: ["research", "team"]),
                directory)
            let once = try await Self.ftd(["run", "--once"], directory)
            #expect(once.status == 77, "\(once.stderr)")
            #expect(once.stderr.contains("team: $KEY_TEAM"), "\(once.stderr)")
            let history = try await Self.ftd(["history", "--account", "research", "--json"], directory)
            let jobs = try #require(
                try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
            #expect(jobs.count == 3)
        }
    }

    /// The daemon: one account answering 401 and one answering after 30 s never hold up the
    /// third's cycles (each polls on a timer of its own), and `/healthz` names the failing one.
    @Test func aFailingAndASlowAccountNeverDelayAnotherOnesCycles() async throws {
        let slow = FaultRule(kind: .delay(30), pathContains: "/fine_tuning/jobs", count: 1_000)
        try await Self.withSimulators(teamFaults: [slow]) { simulators, directory in
            await simulators.azure.revokeKey(Self.keys["azure-eu"]!)
            try Self.write(
                await Self.configuration(
                    simulators, directory: directory, accounts: ["research", "team", "azure-eu"],
                    extra: "\n[http]\nlisten = \"127.0.0.1:0\"\n"), directory)
            let daemon = try FTDProcess(
                ["run", "--config", directory.appendingPathComponent("ftd.toml").path], in: directory,
                environment: Self.environment)
            defer { if daemon.process.isRunning { kill(daemon.process.processIdentifier, SIGKILL) } }
            try await eventually(timeout: .seconds(30), "the dashboard's address") {
                ServeCommandTests.address(daemon.stderr) != nil
            }
            let base = try #require(ServeCommandTests.address(daemon.stderr))
            func cycles(_ account: String, _ outcome: String) async throws -> Int {
                let (_, body) = try await ServeCommandTests.get(base + "/metrics")
                let prefix = "ftd_poll_cycles_total{account=\"\(account)\",outcome=\"\(outcome)\"} "
                return body.split(separator: "\n").first { $0.hasPrefix(prefix) }
                    .flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
            }
            try await eventually(timeout: .seconds(25), "three complete cycles of research") {
                try await cycles("research", "complete") >= 3
            }
            // The slow account's first list page has not even answered yet.
            #expect(try await cycles("team", "complete") == 0)
            #expect(try await cycles("azure-eu", "failed") >= 1)
            let (status, health) = try await ServeCommandTests.get(base + "/healthz")
            #expect(status == 503)
            #expect(health.contains("account azure-eu: the last poll cycle was failed"), "\(health)")
            #expect(!health.contains("account research"), "\(health)")
            daemon.signal(SIGTERM)
            let exit = try await daemon.wait(timeout: .seconds(40))
            #expect(exit.status == 0, "\(exit.stderr)")
        }
    }
}
