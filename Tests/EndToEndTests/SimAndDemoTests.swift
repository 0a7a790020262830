import AsyncHTTPClient
import Foundation
import Testing

@Suite struct SimAndDemoTests {
    @Test func simPrintsItsAddressFirstAndServesTheAPI() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sim = try FTDProcess(["sim", "--port", "0", "--speed", "10"], in: directory)
        try await eventually("the first line") { sim.stdout.contains("\n") }
        let firstLine = String(sim.stdout.split(separator: "\n").first ?? "")
        let prefix = "ftd sim: serving on http://127.0.0.1:"
        #expect(firstLine.hasPrefix(prefix))
        #expect(firstLine.hasSuffix("/v1"))

        var request = HTTPClientRequest(
            url: String(firstLine.dropFirst("ftd sim: serving on ".count)) + "/fine_tuning/jobs")
        request.headers.add(name: "Authorization", value: "Bearer sk-anything")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok)
        let body = try await response.body.collect(upTo: 1 << 20)
        let list = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        #expect(list?["object"] as? String == "list")
        #expect((list?["data"] as? [Any])?.count == 1)

        sim.signal(SIGTERM)
        let result = try await sim.wait(timeout: .seconds(10))
        #expect(result.status == 0)
    }

    @Test func simAzureFlavorPrintsTheEndpointAndServesAzure() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sim = try FTDProcess(
            ["sim", "--flavor", "azure", "--api-version", "2024-10-21", "--port", "0"], in: directory)
        try await eventually("the first line") { sim.stdout.contains("\n") }
        let firstLine = String(sim.stdout.split(separator: "\n").first ?? "")
        // SPEC §8: the resource endpoint, without /v1.
        #expect(
            firstLine.wholeMatch(of: /ftd sim: serving on http:\/\/127\.0\.0\.1:\d+/) != nil, "\(firstLine)")
        let endpoint = String(firstLine.dropFirst("ftd sim: serving on ".count))

        for (path, header, status) in [
            ("/openai/fine_tuning/jobs?api-version=2024-10-21", "api-key", 200),
            ("/openai/v1/fine_tuning/jobs", "api-key", 200),
            ("/openai/fine_tuning/jobs", "api-key", 404),
            ("/openai/v1/fine_tuning/jobs", "Authorization", 401),
        ] {
            var request = HTTPClientRequest(url: endpoint + path)
            request.headers.add(name: header, value: header == "api-key" ? "azure-key" : "Bearer azure-key")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(Int(response.status.code) == status, "\(path) with \(header)")
            let body = try await response.body.collect(upTo: 1 << 20)
            let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            if status == 200 {
                let jobs = json?["data"] as? [[String: Any]]
                #expect(jobs?.count == 1)
                #expect(jobs?.first?["status"] as? String == "pending")
            } else if header == "api-key" {
                #expect((json?["error"] as? [String: Any])?["code"] as? String == String(status))
            } else {
                // A Bearer token is refused by Azure's gateway, in its own envelope.
                #expect(json?["statusCode"] as? Int == status)
            }
        }

        sim.signal(SIGTERM)
        let result = try await sim.wait(timeout: .seconds(10))
        #expect(result.status == 0)
    }

    @Test func demoWatchesTheElleJobToTheEndAndPrintsTheHistory() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FTDProcess.run(
            ["demo", "--speed", "60", "--listen", "127.0.0.1:0"], in: directory, timeout: .seconds(60))
        #expect(result.status == 0, "\(result.stderr)")
        for expected in [
            "new job → ", "→ succeeded", "$ ftd history", "Timeline", "Checkpoints", "Loss",
            "ft:gpt-3.5-turbo-0125:", "hook announce ran for → succeeded: succeeded, exit 0", "Hook runs",
            "ftd: dashboard on http://127.0.0.1:",
        ] {
            #expect(result.stdout.contains(expected), "missing \(expected) in:\n\(result.stdout)")
        }
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    /// `ftd demo --flavor azure`: the same job on a simulated Azure OpenAI resource, its
    /// `pending` status and its model names, through the account an Azure user configures.
    @Test func demoRunsAgainstASimulatedAzureResource() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FTDProcess.run(
            ["demo", "--flavor", "azure", "--speed", "60", "--listen", "127.0.0.1:0"], in: directory,
            timeout: .seconds(60))
        #expect(result.status == 0, "\(result.stderr)")
        for expected in [
            "a simulated Azure OpenAI resource at http://127.0.0.1:", "new job → ", "→ succeeded",
            "$ ftd history", "gpt-3.5-turbo-0125.ft-", "hook announce ran for → succeeded: succeeded, exit 0",
        ] {
            #expect(result.stdout.contains(expected), "missing \(expected) in:\n\(result.stdout)")
        }
        // Azure's statuses: `pending` (about a second at this speed, so a busy machine's
        // first look may already find the job running), never OpenAI's first two.
        #expect(!result.stdout.contains("validating_files"), "\(result.stdout)")
        #expect(!result.stdout.contains("queued"), "\(result.stdout)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    /// `ftd demo --scenario diverging`: an alert fires while the job runs, its hook runs,
    /// and the job's view ends with it.
    @Test func demoShowsAnAlertFiring() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FTDProcess.run(
            ["demo", "--scenario", "diverging", "--speed", "40", "--listen", "127.0.0.1:0"], in: directory,
            timeout: .seconds(90))
        #expect(result.status == 0, "\(result.stderr)")
        for expected in [
            "One job that goes wrong: train loss climbs", "alert loss_diverged: ",
            "hook announce ran for alert:loss_diverged: succeeded, exit 0", "→ succeeded", "\nAlerts\n",
        ] {
            #expect(result.stdout.contains(expected), "missing \(expected) in:\n\(result.stdout)")
        }
        let unknown = try await FTDProcess.run(["demo", "--scenario", "empty"], in: directory)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--scenario must be one of: elle, slow-queue"), "\(unknown.stderr)")
    }

    /// Ctrl-C stops the demo as an interrupted command: no history as if it had finished,
    /// and not exit 0.
    @Test func anInterruptedDemoExits130WithoutTheHistory() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try FTDProcess(["demo", "--speed", "2", "--listen", "127.0.0.1:0"], in: directory)
        try await eventually("the demo's first status change") { demo.stdout.contains("new job → ") }
        demo.signal(SIGINT)
        let result = try await demo.wait(timeout: .seconds(30))
        #expect(result.status == 130, "\(result.stderr)")
        #expect(!result.stdout.contains("$ ftd history"), "\(result.stdout)")
        #expect(result.stderr.contains("ftd: demo: interrupted"), "\(result.stderr)")
    }

    /// The dashboard is on while the demo runs; `--serve` keeps it on, read-only, until
    /// Ctrl-C, which then ends the demo as done (exit 0).
    @Test func withServeTheDemoKeepsTheDashboardOnUntilCtrlC() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try FTDProcess(
            ["demo", "--speed", "60", "--listen", "127.0.0.1:0", "--serve"], in: directory)
        try await eventually(timeout: .seconds(60), "the dashboard kept on") {
            demo.stdout.contains("The dashboard stays on at")
        }
        let base = try #require(ServeCommandTests.address(demo.stdout))
        let jobs = try await ServeCommandTests.get(base + "/api/jobs")
        #expect(jobs.status == 200)
        #expect(jobs.body.contains(#""status":"succeeded""#), "\(jobs.body)")
        let page = try await ServeCommandTests.get(base + "/")
        #expect(page.status == 200)
        #expect(page.body.contains("/assets/app.js"))
        let info = try await ServeCommandTests.get(base + "/api/info")
        #expect(info.body.contains(#""read_only":true"#))
        demo.signal(SIGINT)
        let result = try await demo.wait(timeout: .seconds(30))
        #expect(result.status == 0, "\(result.stderr)")
    }
}
