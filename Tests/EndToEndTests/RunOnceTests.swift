import FTDSimulator
import Foundation
import Testing

/// `ftd run --once` and `ftd history`, run as a user would, against the simulator.
@Suite struct RunOnceTests {
    @Test func aFirstRunRecordsTheBaselineAndHistoryShowsItInBothFormats() async throws {
        try await Sandbox.with { sandbox in
            let run = try await sandbox.ftd(["run", "--once"])
            #expect(run.status == 0, "\(run.stderr)")

            let jobs = try await sandbox.jobs()
            #expect(jobs.count == 1)
            let job = try #require(jobs.first)
            let id = try #require(job["id"] as? String)
            #expect(job["status"] as? String == "validating_files")
            #expect(job["model"] as? String == "gpt-3.5-turbo-0125")
            #expect(job["steps"] as? Int == 0)
            #expect(job["last_train_loss"] is NSNull)
            #expect(job["error"] is NSNull)
            #expect(job["fine_tuned_model"] is NSNull)

            let detail = try #require(try await sandbox.historyJSON(id) as? [String: Any])
            let transitions = try #require(detail["transitions"] as? [[String: Any]])
            #expect(transitions.count == 1)
            #expect(transitions.first?["from"] is NSNull)
            #expect(transitions.first?["to"] as? String == "validating_files")
            #expect(transitions.first?["observed_at"] is Int)
            let events = try #require(detail["events"] as? [[String: Any]])
            #expect(events.first?["message"] as? String == "Created fine-tuning job: \(id)")
            #expect((detail["hook_runs"] as? [Any])?.isEmpty == true)

            let table = try await sandbox.ftd(["history"], environment: [:])
            #expect(table.status == 0)
            #expect(table.stdout.contains(id))
            #expect(table.stdout.contains("validating_files"))
            #expect(!table.stdout.contains("\u{1B}["))  // no colour when stdout is not a TTY
            #expect(table.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        }
    }

    @Test func aLaterRunRecordsTheSkippedStatesAsOneTransitionAndTheWholeJob() async throws {
        try await Sandbox.with { sandbox in
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            await sandbox.simulator.advanceClock(by: 3600)
            let run = try await sandbox.ftd(["run", "--once"])
            #expect(run.status == 0, "\(run.stderr)")

            let id = try #require(try await sandbox.jobs().first?["id"] as? String)
            let detail = try #require(
                try await sandbox.historyJSON(String(id.dropFirst(6).prefix(8))) as? [String: Any])
            let transitions = try #require(detail["transitions"] as? [[String: Any]])
            #expect(transitions.map { $0["to"] as? String } == ["validating_files", "succeeded"])
            #expect(transitions.last?["from"] as? String == "validating_files")
            let steps = try #require(detail["steps"] as? [[String: Any]])
            #expect(steps.count == 100)
            #expect(steps.first?["step"] as? Int == 1)
            #expect(steps.first?["total_steps"] as? Int == 100)
            #expect(
                steps.first.map { Set($0.keys) } == [
                    "step", "total_steps", "train_loss", "train_mean_token_accuracy", "valid_loss",
                    "valid_mean_token_accuracy", "full_valid_loss", "full_valid_mean_token_accuracy",
                ])
            let checkpoints = try #require(detail["checkpoints"] as? [[String: Any]])
            #expect(checkpoints.compactMap { $0["step_number"] as? Int } == [80, 90, 100])
            let summary = try #require(detail["job"] as? [String: Any])
            #expect(summary["status"] as? String == "succeeded")
            #expect(summary["steps"] as? Int == 100)
            #expect((summary["fine_tuned_model"] as? String)?.hasPrefix("ft:gpt-3.5-turbo-0125:") == true)
            #expect(summary["finished_at"] is Int)

            let view = try await sandbox.ftd(["history", id], environment: [:])
            #expect(view.status == 0)
            for section in ["Timeline", "Checkpoints", "Loss", "ckpt-step-80"] {
                #expect(view.stdout.contains(section), "missing \(section) in:\n\(view.stdout)")
            }
        }
    }

    @Test func theDatabaseIsPrivateAndHoldsNoKey() async throws {
        try await Sandbox.with { sandbox in
            let run = try await sandbox.ftd(["run", "--once", "--verbose"])
            #expect(run.status == 0)
            let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.databasePath)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            let key = Data(Sandbox.apiKey.utf8)
            for suffix in ["", "-wal", "-shm"] {
                let bytes =
                    (try? Data(contentsOf: URL(fileURLWithPath: sandbox.databasePath + suffix))) ?? Data()
                let found = bytes.range(of: key) != nil
                #expect(!found, "the key is in the database file \(suffix)")
            }
            #expect(!run.stderr.contains(Sandbox.apiKey))
        }
    }

    @Test func aSteadyCycleOver300FinishedAnd2RunningJobsSendsExactly3Requests() async throws {
        let configuration = SimulatorConfiguration(
            clock: .manual(start: 1_750_000_000), scenario: .empty, finishedJobs: 300, activeJobs: 2)
        try await Sandbox.with(configuration) { sandbox in
            // The first sync of 302 jobs is ~900 requests: give a busy CI machine time.
            let baseline = try await sandbox.ftd(["run", "--once"], timeout: .seconds(400))
            #expect(baseline.status == 0)
            await sandbox.simulator.resetRequestLog()
            let steady = try await sandbox.ftd(["run", "--once"])
            #expect(steady.status == 0)
            let requests = await sandbox.simulator.requestLog()
            #expect(requests.count == 3, "\(requests)")
        }
    }
}
