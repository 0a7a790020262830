import FTDSimulator
import Foundation
import Testing

/// The daemon as an administrator meets it: reloads, one instance per database, graceful
/// stops, journal-ready logs and `ftd status`.
@Suite struct ServiceBehaviourTests {
    static func hook(_ name: String, log: String, on: String = "\"*\"") -> String {
        HookTests.hookConfig(name, on: on, command: "'echo \"\(name) $FTD_STATUS\" >> \(log)'")
    }

    @Test func sighupSwapsTheHooksForTheNextTransitionAndABrokenFileKeepsTheRunningOnes() async throws {
        try await Sandbox.with { sandbox in
            let log = sandbox.directory.appendingPathComponent("hooks.log").path
            try sandbox.writeConfig(Self.hook("first", log: log))
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)  // the baseline
            let daemon = try sandbox.start(["run"])
            try await eventually("the daemon's first cycle") { daemon.stderr.contains("ready") }

            await sandbox.simulator.advanceClock(by: 25)  // → queued
            try await eventually("the first hook") { HookTests.lines(log) == ["first queued"] }

            try sandbox.writeConfig(Self.hook("second", log: log))
            daemon.signal(SIGHUP)
            try await eventually("the reload") { daemon.stderr.contains("configuration reloaded") }
            await sandbox.simulator.advanceClock(by: 30)  // → running
            try await eventually("the second hook") { HookTests.lines(log).contains("second running") }

            try "[[hooks]\nname = ".write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            try await eventually("the rejected reload") { daemon.stderr.contains("reload rejected") }
            await sandbox.simulator.advanceClock(by: 3600)  // → succeeded
            try await eventually("the kept hook") { HookTests.lines(log).contains("second succeeded") }

            daemon.signal(SIGTERM)
            let result = try await daemon.wait(timeout: .seconds(20))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(HookTests.lines(log) == ["first queued", "second running", "second succeeded"])
            let rejected = try #require(
                result.stderr.split(separator: "\n").first { $0.contains("reload rejected") })
            #expect(rejected.contains("ftd.toml"), "\(rejected)")  // names the file
        }
    }

    @Test func aReloadWithAnAbsurdlyDeepFileIsRejectedAndTheDaemonGoesOn() async throws {
        try await Sandbox.with { sandbox in
            let daemon = try sandbox.start(["run"])
            try await eventually("the daemon's first cycle") { daemon.stderr.contains("ready") }
            let deep = "[" + String(repeating: "a.", count: 200_000) + "a]\n"
            try deep.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            try await eventually("the rejected reload") { daemon.stderr.contains("reload rejected") }
            daemon.signal(SIGTERM)
            let result = try await daemon.wait(timeout: .seconds(20))
            #expect(
                result.status == 0, "the daemon died instead of keeping its configuration: \(result.stderr)")
        }
    }

    /// Accounts poll on services made at the start: a reload that adds one is rejected
    /// whole (the running configuration stays), one that only reorders them is taken.
    @Test func aReloadMayReorderTheAccountsButNotAddOne() async throws {
        try await Sandbox.with { sandbox in
            func accounts(_ names: [String]) throws {
                let entries = names.map {
                    "[[accounts]]\nname = \"\($0)\"\nbase_url = \"\(sandbox.baseURL)\"\napi_key_env = \"OPENAI_API_KEY\"\n"
                }
                let text =
                    entries.joined(separator: "\n") + """

                        [poll]
                        interval = 1
                        idle_interval = 1

                        [storage]
                        database = "\(sandbox.databasePath)"
                        """
                try text.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
            }
            try accounts(["a", "b"])
            let daemon = try sandbox.start(["run"])
            try await eventually("the daemon's first cycles") { daemon.stderr.contains("ready") }
            try accounts(["b", "a"])
            daemon.signal(SIGHUP)
            try await eventually("the reordered accounts taken") {
                daemon.stderr.contains("configuration reloaded")
            }
            try accounts(["b", "a", "c"])
            daemon.signal(SIGHUP)
            try await eventually("the added account refused") {
                daemon.stderr.contains("reload rejected")
            }
            #expect(daemon.stderr.contains("only at a restart"), "\(daemon.stderr)")
            daemon.signal(SIGTERM)
            let result = try await daemon.wait(timeout: .seconds(20))
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test func aReloadThatMovesTheKeyToAnotherVariableLeaksNeitherToHooksNorToProc() async throws {
        try await Sandbox.with { sandbox in
            let seen = sandbox.directory.appendingPathComponent("env").path
            // The hook also reads the daemon's own start-up environment, as /proc shows it.
            let hook = HookTests.hookConfig(
                "env",
                command:
                    "'env > \(seen)-$FTD_STATUS; tr \"\\000\" \"\\n\" < /proc/$PPID/environ > \(seen)-daemon-$FTD_STATUS'"
            )
            try sandbox.writeConfig(hook)
            let keys = ["KEY_ONE": "sk-one-\(UUID().uuidString)", "KEY_TWO": "sk-two-\(UUID().uuidString)"]
            func configure(_ variable: String) throws {
                try sandbox.writeConfig(hook)
                let text = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
                try text.replacingOccurrences(of: "[api]\n", with: "[api]\napi_key_env = \"\(variable)\"\n")
                    .write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
            }
            try configure("KEY_ONE")
            #expect(try await sandbox.ftd(["run", "--once"], environment: keys).status == 0)
            let daemon = try sandbox.start(["run"], environment: keys)
            try await eventually("the daemon's first cycle") { daemon.stderr.contains("ready") }
            try configure("KEY_TWO")
            daemon.signal(SIGHUP)
            try await eventually("the reload") { daemon.stderr.contains("configuration reloaded") }
            await sandbox.simulator.advanceClock(by: 25)  // → queued
            try await eventually("the hook") { FileManager.default.fileExists(atPath: seen + "-queued") }
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait(timeout: .seconds(20)).status == 0)
            let environment = try String(contentsOfFile: seen + "-queued", encoding: .utf8)
            #expect(environment.contains("FTD_STATUS=queued"))
            let daemonEnvironment = try String(contentsOfFile: seen + "-daemon-queued", encoding: .utf8)
            #expect(daemonEnvironment.contains("PATH="), "the hook could not read /proc/$PPID/environ")
            for (name, key) in keys {
                #expect(!environment.contains(key), "\(name) reached the hook after the reload")
                #expect(!daemonEnvironment.contains(key), "\(name) is readable in /proc/$PPID/environ")
            }
        }
    }

    @Test func aSecondDaemonOnTheSameDatabaseRefusesAndTheLockDiesWithTheFirst() async throws {
        let configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000), scenario: .empty)
        try await Sandbox.with(configuration) { sandbox in
            let first = try sandbox.start(["run"])
            try await eventually("the first daemon's cycle") { first.stderr.contains("ready") }

            let second = try await sandbox.ftd(["run"], timeout: .seconds(20))
            #expect(second.status == 75)
            #expect(
                second.stderr.contains(
                    "another ftd (pid \(first.process.processIdentifier)) is already running"))
            #expect(second.stderr.split(separator: "\n").count == 1, "\(second.stderr)")
            let once = try await sandbox.ftd(["run", "--once"], timeout: .seconds(20))
            #expect(once.status == 75, "\(once.stderr)")

            first.signal(SIGKILL)
            _ = try await first.wait(timeout: .seconds(10))
            let after = try await sandbox.ftd(["run", "--once"])
            #expect(after.status == 0, "\(after.stderr)")
        }
    }

    @Test func sigtermDuringASlowHookExitsZeroWithinTheBoundAndTheDeliveryRunsAfterRestart() async throws {
        try await Sandbox.with { sandbox in
            let (script, runs) = try HookTests.slowFirstTimeHook(in: sandbox)
            try sandbox.writeConfig(
                """
                [daemon]
                stop_timeout = 1
                """ + HookTests.hookConfig("slow", on: "\"queued\"", command: "[\"\(script)\"]"))
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)  // the baseline
            await sandbox.simulator.advanceClock(by: 25)

            let daemon = try sandbox.start(["run"])
            try await eventually("the hook to start") { !HookTests.lines(runs).isEmpty }
            let stopAsked = ContinuousClock.now
            daemon.signal(SIGTERM)
            let result = try await daemon.wait(timeout: .seconds(30))
            let took = ContinuousClock.now - stopAsked
            #expect(result.status == 0, "\(result.stderr)")
            // stop_timeout (1 s) + the SIGTERM-to-SIGKILL grace (5 s) at most, plus room for a
            // busy machine; the hook alone would take 60 s.
            #expect(took < .seconds(15), "the stop took \(took)")
            #expect(result.stderr.contains("runs again after the next start"))

            let restart = try await sandbox.ftd(["run", "--once"])
            #expect(restart.status == 0, "\(restart.stderr)")
            let lines = HookTests.lines(runs)
            #expect(lines.count == 2, "\(lines)")
            #expect(Set(lines.map { $0.split(separator: " ")[0] }).count == 1)

            let id = try #require(try await sandbox.jobs().first?["id"] as? String)
            let detail = try #require(try await sandbox.historyJSON(id) as? [String: Any])
            let hookRuns = try #require(detail["hook_runs"] as? [[String: Any]])
            #expect(hookRuns.map { $0["status"] as? String } == ["failed", "succeeded"])
            #expect(hookRuns.map { $0["attempt"] as? Int } == [1, 2])
            #expect(hookRuns.first?["exit_code"] is NSNull)
        }
    }

    @Test func undertheJournalEveryLineCarriesItsPriorityAndNoTimestamp() async throws {
        try await Sandbox.with { sandbox in
            // The test's stderr file for the child stands in for the journal's stream.
            let process = try sandbox.start(
                ["run", "--once"], environment: ["OPENAI_API_KEY": Sandbox.apiKey])
            _ = try await process.wait()
            var info = stat()
            #expect(stat(process.stderrURL.path, &info) == 0)
            let journal = "\(info.st_dev):\(info.st_ino)"

            let again = try FTDProcess(
                ["run", "--once", "--config", sandbox.configPath], in: sandbox.directory,
                environment: ["OPENAI_API_KEY": Sandbox.apiKey, "JOURNAL_STREAM": journal],
                stderrURL: process.stderrURL)
            let result = try await again.wait()
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stderr.split(separator: "\n").map(String.init)
            let journalLines = lines.drop { !$0.hasPrefix("<") }
            #expect(!journalLines.isEmpty, "\(result.stderr)")
            #expect(
                journalLines.allSatisfy { $0.wholeMatch(of: #/<[2-7]>[^<].*/#) != nil }, "\(journalLines)")
            #expect(!journalLines.contains { $0.contains(#/\d\d:\d\d:\d\d\.\d\d\d/#) })
            // Outside the journal: time and level first.
            let readable = lines.prefix { !$0.hasPrefix("<") }
            #expect(!readable.isEmpty)
            #expect(
                readable.allSatisfy {
                    $0.contains(
                        #/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (debug|info|notice|warning|error|critical) /#
                    )
                },
                "\(readable)")
        }
    }

    @Test func statusSaysWhetherTheDaemonRunsAndHowTheLastCycleWent() async throws {
        try await Sandbox.with { sandbox in
            let none = try await sandbox.ftd(["status"], environment: [:])
            #expect(none.status == 0, "\(none.stderr)")
            #expect(none.stdout.contains("ftd is not running"))
            #expect(none.stdout.contains("no database yet"))

            let daemon = try sandbox.start(["run"])
            try await eventually("the first cycle") { daemon.stderr.contains("ready") }
            let running = try await sandbox.ftd(["status", "--json"], environment: [:])
            #expect(running.status == 0, "\(running.stderr)")
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(running.stdout.utf8)) as? [String: Any])
            #expect(json["running"] as? Bool == true)
            #expect(json["pid"] as? Int == Int(daemon.process.processIdentifier))
            #expect(json["active_jobs"] as? Int == 1)
            #expect(json["pending_deliveries"] as? Int == 0)
            let cycle = try #require(json["last_cycle"] as? [String: Any])
            #expect(cycle["result"] as? String == "complete")
            #expect(cycle["next_cycle_at"] is Int)
            #expect(json["last_error"] is NSNull)

            let text = try await sandbox.ftd(["status"], environment: [:])
            #expect(text.stdout.contains("ftd is running (pid \(daemon.process.processIdentifier))"))
            #expect(text.stdout.contains("active jobs:        1"))

            daemon.signal(SIGTERM)
            #expect(try await daemon.wait(timeout: .seconds(20)).status == 0)

            // The API fails: the cycle's error is what status shows.
            await sandbox.simulator.addFault(try FaultRule.parse("500:count=10"))
            let failed = try await sandbox.ftd(["run", "--once"])
            #expect(failed.status == 69)
            let stopped = try await sandbox.ftd(["status", "--json"], environment: [:])
            let after = try #require(
                try JSONSerialization.jsonObject(with: Data(stopped.stdout.utf8)) as? [String: Any])
            #expect(after["running"] as? Bool == false)
            #expect((after["last_cycle"] as? [String: Any])?["result"] as? String == "failed")
            let error = try #require(after["last_error"] as? [String: Any])
            #expect((error["message"] as? String)?.contains("500") == true, "\(error)")
        }
    }

    /// As the service has it: a database in a directory only its owner may write, mode
    /// 0640, read by a member of the group, also after the daemon stopped (persistent WAL:
    /// without the -wal and -shm files such a reader cannot open a WAL database).
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func aGroupMemberReadsTheHistoryOfAStoppedDaemon() async throws {
        try await Sandbox.with { sandbox in
            try sandbox.writeConfig("group_readable = true")
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            let state = (sandbox.databasePath as NSString).deletingLastPathComponent
            let group = "65534"  // nogroup: the reader's only group
            for path in try [state]
                + FileManager.default.contentsOfDirectory(atPath: state).map({ "\(state)/\($0)" })
            {
                #expect(chown(path, 0, gid_t(group)!) == 0)
            }
            chmod(state, 0o750)
            chmod(sandbox.directory.path, 0o755)
            let reader = try await FTDProcess.run(
                [
                    "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    FTDProcess.binary.path,
                    "history", "--json", "--config", sandbox.configPath,
                ],
                in: sandbox.directory, executable: URL(fileURLWithPath: "/usr/bin/env"))
            #expect(reader.status == 0, "\(reader.stderr)")
            #expect(reader.stdout.contains("ftjob-"), "\(reader.stdout)")
        }
    }

    @Test func helpVersionAndCompletionScriptsExitZero() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for arguments in [
            ["--help"], ["run", "--help"], ["status", "--help"], ["--version"],
            ["--generate-completion-script", "bash"], ["--generate-completion-script", "zsh"],
            ["--generate-completion-script", "fish"],
        ] {
            let result = try await FTDProcess.run(arguments, in: directory)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.isEmpty, "\(arguments)")
            #expect(!result.stderr.contains("unexpected failure"), "\(arguments)")
        }
    }
}
