import AsyncHTTPClient
import FTDSimulator
import Foundation
import Testing

/// `GET /metrics` of the built `ftd run` and `ftd serve` against the simulator (SPEC
/// section 9), scraped as Prometheus would.
@Suite(.timeLimit(.minutes(2))) struct MetricsCommandTests {
    /// `ftd run` with `[http]`, once it has completed a cycle; `body` gets the server's base URL.
    static func withDaemon(_ body: (Sandbox, String, FTDProcess) async throws -> Void) async throws {
        try await Sandbox.with { sandbox in
            try sandbox.writeConfig(ServeCommandTests.listen)
            let daemon = try sandbox.start(["run"])
            try await eventually("the daemon's first cycle") {
                daemon.stderr.contains("ready") && ServeCommandTests.address(daemon.stderr) != nil
            }
            let base = try #require(ServeCommandTests.address(daemon.stderr))
            try await body(sandbox, base, daemon)
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait(timeout: .seconds(20)).status == 0)
        }
    }

    /// The value of the sample whose series (`name{labels}`) is `series`.
    static func value(_ series: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// What `ftd --version` prints: `ftd_build_info` carries the same.
    static func version(in directory: URL) async throws -> String {
        try await FTDProcess.run(["--version"], in: directory).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    @Test func theDaemonExportsItsCountersAndTheStoredJobs() async throws {
        try await Self.withDaemon { sandbox, base, _ in
            let version = try await Self.version(in: sandbox.directory)
            var text = ""
            try await eventually("a complete cycle and a listing counted") {
                text = try await ServeCommandTests.get(base + "/metrics").body
                return
                    (Self.value(#"ftd_poll_cycles_total{account="default",outcome="complete"}"#, in: text)
                    ?? 0)
                    >= 1
            }
            #expect(Self.value(#"ftd_build_info{version="\#(version)"}"#, in: text) == 1, "\(text)")
            let listings = Self.value(
                #"ftd_api_requests_total{account="default",endpoint="jobs",code="200"}"#, in: text)
            #expect((listings ?? 0) >= 1, "\(text)")
            #expect(text.contains("# TYPE ftd_api_request_duration_seconds histogram"))
            #expect(
                (Self.value(
                    #"ftd_api_request_duration_seconds_count{account="default",endpoint="jobs"}"#, in: text)
                    ?? 0) >= 1)
            #expect(
                Self.value(#"ftd_last_complete_cycle_timestamp_seconds{account="default"}"#, in: text) != nil)

            // The Elle job of the simulator, as stored.
            let elle = try #require(try await sandbox.jobs().first)
            let id = try #require(elle["id"] as? String)
            let status = try #require(elle["status"] as? String)
            #expect(Self.value(#"ftd_jobs{account="default",status="\#(status)"}"#, in: text) == 1, "\(text)")
            #expect(Self.value(#"ftd_job_step{account="default",job_id="\#(id)"}"#, in: text) != nil)

            #expect(!text.contains(Sandbox.apiKey))
            #expect(!text.contains("sk-"))
        }
    }

    @Test func serveExportsTheStoredStateButCountsNothing() async throws {
        try await Sandbox.with { sandbox in
            try sandbox.writeConfig(ServeCommandTests.listen)
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            let server = try sandbox.start(["serve"], environment: [:])
            try await eventually("the dashboard's address") {
                ServeCommandTests.address(server.stdout) != nil
            }
            let base = try #require(ServeCommandTests.address(server.stdout))
            let answer = try await ServeCommandTests.get(base + "/metrics")
            #expect(answer.status == 200)
            let version = try await Self.version(in: sandbox.directory)
            #expect(Self.value(#"ftd_build_info{version="\#(version)"}"#, in: answer.body) == 1)
            #expect(answer.body.contains(#"ftd_jobs{account="default",status="#))
            // `run --once` completed a cycle: its time is in the database.
            #expect(
                Self.value(#"ftd_last_complete_cycle_timestamp_seconds{account="default"}"#, in: answer.body)
                    != nil)
            #expect(!answer.body.contains("ftd_api_requests_total"))
            #expect(!answer.body.contains("ftd_poll_cycles_total"))
            server.signal(SIGTERM)
            #expect(try await server.wait(timeout: .seconds(20)).status == 0)
        }
    }

    static var promtool: String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    @Test(
        .enabled(
            if: promtool != nil,
            "promtool is not installed (Debian: prometheus): the daemon's /metrics is not linted"))
    func promtoolFindsNothingToLintInTheDaemonsMetrics() async throws {
        try await Self.withDaemon { sandbox, base, _ in
            try await eventually("a complete cycle") {
                let text = try await ServeCommandTests.get(base + "/metrics").body
                return text.contains("ftd_poll_cycles_total{")
            }
            let file = sandbox.directory.appendingPathComponent("metrics.txt")
            try await ServeCommandTests.get(base + "/metrics").body.write(
                to: file, atomically: true, encoding: .utf8)
            let check = try await FTDProcess.run(
                ["sh", "-c", "\"$0\" check metrics < \"$1\"", try #require(Self.promtool), file.path],
                in: sandbox.directory, executable: URL(fileURLWithPath: "/usr/bin/env"))
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        }
    }
}
