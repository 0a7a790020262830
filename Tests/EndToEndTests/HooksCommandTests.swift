import FTDSimulator
import Foundation
import Testing

/// `ftd hooks list | runs | test`: what users have to develop and trust their hooks.
@Suite struct HooksCommandTests {
    static let config = """

        [[hooks]]
        name = "notify"
        on = ["succeeded", "failed"]
        command = ["/bin/sh", "-c", "echo \\"$FTD_JOB_ID $FTD_STATUS\\"; cat; exit ${FAIL:-0}"]
        retries = 0

        [[hooks]]
        name = "everything"
        on = ["*"]
        command = "echo $FTD_STATUS >&2; exit 3"
        retries = 1
        """

    @Test func listShowsEachHookAndWhatFiresIt() async throws {
        try await Sandbox.with(config: Self.config) { sandbox in
            let result = try await sandbox.ftd(["hooks", "list"], environment: [:])
            #expect(result.status == 0)
            #expect(result.stdout.contains("notify"))
            #expect(result.stdout.contains("succeeded, failed"))
            #expect(result.stdout.contains("every transition"))
            #expect(result.stdout.contains("/bin/sh -c 'echo $FTD_STATUS >&2; exit 3'"))
        }
    }

    @Test func testRunsAHookWithASyntheticTransitionAndRecordsNothing() async throws {
        try await Sandbox.with(config: Self.config) { sandbox in
            let result = try await sandbox.ftd(
                ["hooks", "test", "notify", "--status", "failed"], environment: [:])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("ftjob-hooktest failed"))
            #expect(result.stdout.contains("\"to\":\"failed\""))  // the stdin JSON, echoed back
            #expect(result.stdout.contains("succeeded: exit code 0"))
            #expect(!FileManager.default.fileExists(atPath: sandbox.databasePath))

            let failing = try await sandbox.ftd(["hooks", "test", "everything"], environment: [:])
            #expect(failing.status == 1)
            #expect(failing.stdout.contains("exit code 3"))

            let unknown = try await sandbox.ftd(["hooks", "test", "nope"], environment: [:])
            #expect(unknown.status == 64)
            #expect(unknown.stderr.contains("known: notify, everything"))
        }
    }

    /// The hook `ftd hooks test` runs gets what the daemon's would: the store's URL in
    /// `FTD_DATABASE`, and neither PGPASSWORD nor a webhook secret.
    @Test func testWithholdsTheStoresPasswordAndNamesTheStore() async throws {
        try await Sandbox.with { sandbox in
            try """
            [api]
            base_url = "\(sandbox.baseURL)"
            webhook_secret_env = "HOOKTEST_WEBHOOK_SECRET"

            [[hooks]]
            name = "env"
            on = ["*"]
            command = ["/usr/bin/env"]
            """.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
            let url = "postgres://ftd@127.0.0.1:9/ftd"
            let result = try await sandbox.ftd(
                ["hooks", "test", "env"],
                environment: [
                    "FTD_DATABASE": url, "PGPASSWORD": "pg-password-of-the-store",
                    "HOOKTEST_WEBHOOK_SECRET": "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=",
                ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("FTD_DATABASE=\(url)"), "\(result.stdout)")
            #expect(!result.stdout.contains("pg-password-of-the-store"))
            #expect(!result.stdout.contains("whsec_"))
        }
    }

    /// `--alert KIND`: the hook gets an alert instead of a transition, worded as the
    /// daemon words one for the configured thresholds; with `--job`, that job's data.
    @Test func testDeliversAnAlertOfTheKindAsked() async throws {
        try await Sandbox.with(config: "[alerts]\nstalled_after = 600\n" + Self.config) { sandbox in
            let result = try await sandbox.ftd(
                ["hooks", "test", "notify", "--alert", "stalled"], environment: [:])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                result.stdout.contains("ftjob-hooktest alert stalled: running with no new event for 11 min"))
            #expect(result.stdout.contains("(alerts.stalled_after is 10 min)"), "\(result.stdout)")
            // stdin: an alert, not a transition.
            #expect(result.stdout.contains("\"alert\":{"), "\(result.stdout)")
            #expect(!result.stdout.contains("\"transition\":"), "\(result.stdout)")
            #expect(result.stdout.contains("ftjob-hooktest running"))  // FTD_STATUS: the job's status

            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            let id = try #require(try await sandbox.jobs().first?["id"] as? String)
            let stored = try await sandbox.ftd(
                ["hooks", "test", "notify", "--job", id, "--alert", "overfitting"], environment: [:])
            #expect(stored.status == 0, "\(stored.stderr)")
            #expect(stored.stdout.contains("\(id) alert overfitting: "), "\(stored.stdout)")

            for wrong in [["--alert", "stuck"], ["--alert", "stalled", "--status", "failed"]] {
                let refused = try await sandbox.ftd(["hooks", "test", "notify"] + wrong, environment: [:])
                #expect(refused.status == 64, "\(wrong): \(refused.stderr)")
            }
            let runs = try await sandbox.ftd(["hooks", "runs", "--json"], environment: [:])
            #expect(runs.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        }
    }

    @Test func testWithAStoredJobUsesItsData() async throws {
        try await Sandbox.with(config: Self.config) { sandbox in
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            let id = try #require(try await sandbox.jobs().first?["id"] as? String)
            let result = try await sandbox.ftd(["hooks", "test", "notify", "--job", id], environment: [:])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("\(id) validating_files"))
            let runs = try await sandbox.ftd(["hooks", "runs", "--json"], environment: [:])
            #expect(runs.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        }
    }

    @Test func runsListsDeliveriesAndTheFailedOnes() async throws {
        try await Sandbox.with(config: Self.config) { sandbox in
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            await sandbox.simulator.advanceClock(by: 3600)
            let run = try await sandbox.ftd(["run", "--once"])
            #expect(run.status == 0)  // a failing hook is recorded, not fatal

            let all = try await sandbox.ftd(["hooks", "runs", "--json"], environment: [:])
            let deliveries = try #require(
                try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]])
            #expect(deliveries.count == 2)
            let failed = try await sandbox.ftd(["hooks", "runs", "--failed", "--json"], environment: [:])
            let failedOnes = try #require(
                try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [[String: Any]])
            #expect(failedOnes.map { $0["hook"] as? String } == ["everything"])
            #expect(failedOnes.first?["attempts"] as? Int == 2)
            #expect(failedOnes.first?["last_stderr_line"] as? String == "succeeded")

            let table = try await sandbox.ftd(["hooks", "runs"], environment: [:])
            #expect(table.status == 0)
            #expect(table.stdout.contains("everything"))
        }
    }

    /// With several accounts, the hook gets none of their keys, as from the daemon: found
    /// when `hooks test` withheld only the first account's variable. A job of an account
    /// the hook's `accounts` leaves out still runs, with a note that the daemon would not.
    @Test func testWithholdsEveryAccountsKeyAndNotesTheAccountsFilter() async throws {
        try await Sandbox.with { sandbox in
            let config = """
                [[accounts]]
                name = "one"
                base_url = "\(sandbox.baseURL)"
                api_key_env = "KEY_ONE"

                [[accounts]]
                name = "two"
                base_url = "\(sandbox.baseURL)"
                api_key_env = "KEY_TWO"

                [storage]
                database = "\(sandbox.databasePath)"

                [[hooks]]
                name = "dump"
                on = ["*"]
                accounts = ["one"]
                command = ["/bin/sh", "-c", "env; echo account=$FTD_ACCOUNT"]
                """
            try config.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
            let keys = ["KEY_ONE": "sk-one-Hx7secret", "KEY_TWO": "sk-two-Qp4secret"]
            let synthetic = try await sandbox.ftd(["hooks", "test", "dump"], environment: keys)
            #expect(synthetic.status == 0, "\(synthetic.stderr)")
            #expect(synthetic.stdout.contains("account=one"))
            for key in keys.values { #expect(!synthetic.stdout.contains(key)) }
            #expect(!synthetic.stderr.contains("note"))

            #expect(try await sandbox.ftd(["run", "--once"], environment: keys).status == 0)
            let id = try #require(try await sandbox.jobs().first?["id"] as? String)
            let other = try await sandbox.ftd(
                ["hooks", "test", "dump", "--job", "two/\(id)"], environment: keys)
            #expect(other.status == 0, "\(other.stderr)")
            #expect(other.stdout.contains("account=two"))
            for key in keys.values { #expect(!other.stdout.contains(key)) }
            #expect(other.stderr.contains("hook dump fires only for account(s) one"))
        }
    }
}
