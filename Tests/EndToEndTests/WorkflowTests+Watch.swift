import AsyncHTTPClient
import FTDSimulator
import Foundation
import Testing

/// `ftd watch`: its exit status, its plain and its terminal output, and Ctrl-C.
extension WorkflowTests {
    // MARK: watch

    @Test func watchEndsWithZeroWhenTheJobSucceedsAndPrintsPlainLinesToAPipe() async throws {
        try await Sandbox.with { sandbox in
            let id = try await Self.runningElle(sandbox)
            let watch = try sandbox.start(["watch", id, "--interval", "1"])
            try await eventually("the first look") { watch.stdout.contains("\(id)  ") }
            await sandbox.simulator.advanceClock(by: 3600)
            let result = try await watch.wait(timeout: .seconds(60))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stdout.contains("\u{1B}["), "no escape codes on a pipe")
            #expect(result.stdout.contains("\(id)  succeeded"), "\(result.stdout)")
            #expect(result.stdout.contains("fine-tuned model: ft:"), "\(result.stdout)")
            #expect(result.stdout.contains("The job has successfully completed"), "\(result.stdout)")
            // What it saw is in the database, like the daemon's cycles.
            let jobs = try await sandbox.jobs()
            #expect(jobs.first?["status"] as? String == "succeeded")
        }
    }

    /// On a terminal (a pseudo-terminal from util-linux's `script`) the view is one block,
    /// redrawn in place: the cursor goes back up and the old block is cleared.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func watchRedrawsInPlaceOnATerminal() async throws {
        try await Sandbox.with { sandbox in
            let id = try await Self.runningElle(sandbox)
            // `script` takes one shell command: the values go in as variables, not spliced in.
            let command = #"exec "$FTD" watch "$JOB" --interval 1 --config "$CONFIG""#
            let watch = try FTDProcess(
                ["-qfec", command, "/dev/null"], in: sandbox.directory,
                environment: [
                    "OPENAI_API_KEY": Sandbox.apiKey, "TERM": "xterm", "COLUMNS": "100", "NO_COLOR": "1",
                    "FTD": FTDProcess.binary.path, "JOB": id, "CONFIG": sandbox.configPath,
                ],
                executable: URL(fileURLWithPath: "/usr/bin/script"))
            sandbox.started.add(watch.process)
            try await eventually("the first block") { watch.stdout.contains("\(id)  running") }
            await sandbox.simulator.advanceClock(by: 120)
            try await eventually("a redraw") { watch.stdout.contains("F\u{1B}[J") }
            #expect(watch.stdout.contains(" steps  "), "a progress bar: \(watch.stdout)")
            await sandbox.simulator.advanceClock(by: 3600)
            let result = try await watch.wait(timeout: .seconds(60))
            #expect(result.status == 0, "\(result.stdout)")
            let last = try #require(result.stdout.components(separatedBy: "\u{1B}[J").last)
            #expect(last.contains("\(id)  succeeded"), "\(last)")
            #expect(last.contains("fine-tuned model: ft:"), "\(last)")
        }
    }

    @Test func watchEndsWithOneWhenTheJobFails() async throws {
        try await Sandbox.with { sandbox in
            let id = await sandbox.simulator.addJob(
                JobScript(examples: 7, outcome: .fail(.tooFewExamples(7), afterStep: nil)))
            let watch = try sandbox.start(["watch", id, "--interval", "1"])
            try await eventually("the first look") { watch.stdout.contains("\(id)  ") }
            await sandbox.simulator.advanceClock(by: 600)
            let result = try await watch.wait(timeout: .seconds(60))
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stdout.contains("failed: invalid_n_examples"), "\(result.stdout)")
        }
    }

    @Test func ctrlCStopsWatchingAndNeverCancelsTheJob() async throws {
        try await Sandbox.with { sandbox in
            let id = try await Self.runningElle(sandbox)
            let watch = try sandbox.start(["watch", id, "--interval", "1"])
            try await eventually("the first look") { watch.stdout.contains("\(id)  ") }
            watch.signal(SIGINT)
            let result = try await watch.wait(timeout: .seconds(20))
            #expect(result.status == 130, "\(result.stderr)")
            #expect(result.stderr.contains("stopped watching; \(id) goes on"), "\(result.stderr)")
            let job = try Self.object(try await Self.get(sandbox, "/fine_tuning/jobs/\(id)"))
            #expect(job["status"] as? String != "cancelled")
            #expect(!(await sandbox.simulator.requestLog()).contains { $0.contains("/cancel") })
        }
    }
}
