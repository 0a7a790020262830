import AsyncHTTPClient
import FTDSimulator
import FTDWeb
import Foundation
import Testing

/// `POST /webhooks/{account}` of the built `ftd run` against the simulator (SPEC section 9),
/// with a poll interval of a minute: a hook that fires within seconds of a webhook was fired
/// by the webhook, not by the timer.
@Suite(.timeLimit(.minutes(3))) struct WebhookTests {
    static let secretVariable = "OPENAI_WEBHOOK_SECRET"
    /// `whsec_` and 32 random bytes in base64, as the OpenAI dashboard shows a secret.
    static let secret = "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    /// What a reverse proxy sets (README, "Webhooks"): the listen address, whatever port
    /// the test server really has.
    static let proxiedHost = "127.0.0.1:8327"

    struct Answer {
        var status: UInt
        var body: String
    }

    /// Posts `body` to `path`, signed with `secret` (or with `signature` as given), with the
    /// headers a reverse proxy adds.
    static func post(
        _ base: String, _ path: String, body: String, id: String = "msg_\(UUID().uuidString)",
        timestamp: Int64 = Int64(Date().timeIntervalSince1970), secret: String = WebhookTests.secret,
        signature: String? = nil
    ) async throws -> Answer {
        let bytes = Array(body.utf8)
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.replaceOrAdd(name: "Host", value: proxiedHost)
        request.headers.add(name: "X-Forwarded-For", value: "203.0.113.7")
        request.headers.add(name: "X-Forwarded-Proto", value: "https")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "webhook-id", value: id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        let signed = try WebhookVerifier(secret: secret).signature(
            id: id, timestamp: String(timestamp), body: bytes)
        request.headers.add(name: "webhook-signature", value: signature ?? signed)
        request.body = .bytes(bytes)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let answer = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: response.status.code, body: String(buffer: answer))
    }

    static func event(_ type: String, job: String) -> String {
        """
        {"id": "evt_\(UUID().uuidString.prefix(12))", "object": "event", "type": "\(type)", \
        "created_at": \(Int64(Date().timeIntervalSince1970)), "data": {"id": "\(job)"}}
        """
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The job's stored transitions, `from>to`.
    static func transitions(_ sandbox: Sandbox, _ job: String) async throws -> [String] {
        let detail = try #require(try await sandbox.historyJSON(job) as? [String: Any])
        let transitions = try #require(detail["transitions"] as? [[String: Any]])
        return transitions.map { "\($0["from"] as? String ?? "-")>\($0["to"] as? String ?? "?")" }
    }

    /// Waits for the hook's `count`th line; returns the seconds it took.
    static func hookFired(_ path: String, count: Int, since start: ContinuousClock.Instant) async throws
        -> Double
    {
        try await eventually(timeout: .seconds(10), "the hook's run #\(count)") { lines(path).count >= count }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func aSignedWebhookSyncsItsJobAtOnceAndForgeriesChangeNothing() async throws {
        try await Sandbox.with { sandbox in
            let marker = sandbox.directory.appendingPathComponent("hook.log").path
            let environment = sandbox.directory.appendingPathComponent("hook.env").path
            try """
            [api]
            base_url = "\(sandbox.baseURL)"
            max_retries = 1
            webhook_secret_env = "\(Self.secretVariable)"

            [poll]
            interval = 60
            idle_interval = 60

            [storage]
            database = "\(sandbox.databasePath)"

            [http]
            listen = "127.0.0.1:0"

            [[hooks]]
            name = "marker"
            on = ["*"]
            command = 'echo "$FTD_JOB_ID $FTD_PREVIOUS_STATUS>$FTD_STATUS" >> \(marker); env > \(environment)'
            """.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
            let daemon = try sandbox.start(
                ["run"], environment: ["OPENAI_API_KEY": Sandbox.apiKey, Self.secretVariable: Self.secret])
            try await eventually("the daemon's first cycle") {
                daemon.stderr.contains("ready") && ServeCommandTests.address(daemon.stderr) != nil
            }
            let base = try #require(ServeCommandTests.address(daemon.stderr))
            let job = try #require(try await sandbox.jobs().first?["id"] as? String)
            #expect(try await Self.transitions(sandbox, job) == ["->validating_files"])

            // The job moves on in the simulator; only a webhook can tell ftd before a minute.
            await sandbox.simulator.advanceClock(by: 25)  // validating_files → queued
            let event = Self.event("fine_tuning.job.succeeded", job: job)
            let now = Int64(Date().timeIntervalSince1970)
            let forged = try await Self.post(
                base, "/webhooks/default", body: event,
                secret: "whsec_" + Data(repeating: 7, count: 32).base64EncodedString())
            #expect(forged.status == 400, "\(forged.body)")
            let stale = try await Self.post(base, "/webhooks/default", body: event, timestamp: now - 301)
            #expect(stale.status == 400, "\(stale.body)")
            let unknown = try await Self.post(base, "/webhooks/research", body: event)
            #expect(unknown.status == 400, "\(unknown.body)")
            // Nothing to wait for but time: a sync would take milliseconds.
            try await Task.sleep(for: .seconds(2))
            #expect(Self.lines(marker).isEmpty)
            #expect(try await Self.transitions(sandbox, job) == ["->validating_files"])

            let id = "msg_\(UUID().uuidString)"
            var start = ContinuousClock.now
            let accepted = try await Self.post(base, "/webhooks/default", body: event, id: id)
            #expect(accepted.status == 200, "\(accepted.body)")
            var latency = try await Self.hookFired(marker, count: 1, since: start)
            print("webhook → hook ran in \(String(format: "%.3f", latency)) s (poll interval 60 s)")
            #expect(Self.lines(marker) == ["\(job) validating_files>queued"])
            #expect(
                try await Self.transitions(sandbox, job) == ["->validating_files", "validating_files>queued"])

            // The same webhook-id again, after another change: 200, and ignored.
            await sandbox.simulator.advanceClock(by: 30)  // queued → running
            let replay = try await Self.post(base, "/webhooks/default", body: event, id: id)
            #expect(replay.status == 200, "\(replay.body)")
            #expect(replay.body.contains("repeated"))
            try await Task.sleep(for: .seconds(2))
            #expect(Self.lines(marker).count == 1)

            // A new one is heard.
            start = ContinuousClock.now
            let again = try await Self.post(
                base, "/webhooks/default", body: Self.event("fine_tuning.job.running", job: job))
            #expect(again.status == 200, "\(again.body)")
            latency = try await Self.hookFired(marker, count: 2, since: start)
            print("webhook → hook ran in \(String(format: "%.3f", latency)) s (poll interval 60 s)")
            #expect(Self.lines(marker).last == "\(job) queued>running")

            // Only the first cycle ran: the webhooks did the rest, and a sync is not a cycle.
            let metrics = try await ServeCommandTests.get(base + "/metrics").body
            #expect(
                MetricsCommandTests.value(
                    #"ftd_poll_cycles_total{account="default",outcome="complete"}"#, in: metrics)
                    == 1, "\(metrics)")
            #expect(
                MetricsCommandTests.value(
                    #"ftd_transitions_total{account="default",to="running"}"#, in: metrics)
                    == 1, "\(metrics)")
            // The secret reached neither the hook nor the log.
            let hookEnvironment = (try? String(contentsOfFile: environment, encoding: .utf8)) ?? ""
            #expect(hookEnvironment.contains("FTD_JOB_ID="))
            #expect(!hookEnvironment.contains(Self.secretVariable))
            #expect(!hookEnvironment.contains(Self.secret))
            #expect(!daemon.stderr.contains(Self.secret))
            // The proxy's Host opens the webhook route only: the dashboard still refuses it.
            #expect(
                try await ServeCommandTests.get(base + "/api/jobs", host: "ftd.example.com").status == 403)

            daemon.signal(SIGTERM)
            #expect(try await daemon.wait(timeout: .seconds(20)).status == 0)
        }
    }

    @Test func aConfiguredSecretThatIsMissingOrMalformedStopsTheStartWith78() async throws {
        try await Sandbox.with { sandbox in
            try sandbox.writeConfig(ServeCommandTests.listen)
            let config = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
                .replacingOccurrences(
                    of: "max_retries = 1",
                    with: "max_retries = 1\nwebhook_secret_env = \"\(Self.secretVariable)\"")
            try config.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)

            let missing = try await sandbox.ftd(["run"], timeout: .seconds(30))
            #expect(missing.status == 78, "\(missing.stderr)")
            #expect(missing.stderr.contains(Self.secretVariable), "\(missing.stderr)")

            let malformed = try await sandbox.ftd(
                ["run"],
                environment: ["OPENAI_API_KEY": Sandbox.apiKey, Self.secretVariable: "not-a-secret"],
                timeout: .seconds(30))
            #expect(malformed.status == 78, "\(malformed.stderr)")
            #expect(malformed.stderr.contains("whsec_"), "\(malformed.stderr)")
            #expect(!malformed.stderr.contains("not-a-secret"))
        }
    }
}
