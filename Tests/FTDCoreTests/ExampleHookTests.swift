import Foundation
import Testing

@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// The scripts in config/hooks, run through the real runner with a hostile job message.
@Suite struct ExampleHookTests {
    static let hooksDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/hooks")

    static func script(_ name: String) -> String { hooksDirectory.appendingPathComponent(name).path }

    static func hasTool(_ name: String) -> Bool {
        HookTestKit.path.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
    }

    struct Setup {
        var dir: URL
        var marker: URL
        var message: String
        var payload: HookPayload
    }

    static func setup() throws -> Setup {
        let dir = try HookTestKit.makeTempDirectory()
        let marker = dir.appendingPathComponent("X")
        let message = HookRunnerHostileDataTests.hostileMessage(marker: marker)
        return Setup(
            dir: dir, marker: marker, message: message,
            payload: HookRunnerHostileDataTests.payload(message: message))
    }

    /// A stub that records its argv (NUL-separated) and stdin next to itself.
    static func writeStub(named name: String, in dir: URL) throws {
        let argv = dir.appendingPathComponent("\(name).argv").path
        let stdin = dir.appendingPathComponent("\(name).stdin").path
        try HookTestKit.writeScript(
            "#!/bin/sh\nprintf '%s\\0' \"$@\" > '\(argv)'\ncat > '\(stdin)'\n",
            to: dir.appendingPathComponent(name))
    }

    static func recordedArgv(_ name: String, in dir: URL) throws -> [String] {
        let data = try Data(contentsOf: dir.appendingPathComponent("\(name).argv"))
        return String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    @Test func logJSONAppendsOneLinePerDelivery() async throws {
        let s = try Self.setup()
        let log = s.dir.appendingPathComponent("hooks.jsonl")
        let runner = HookTestKit.runner(base: ["PATH": HookTestKit.path, "FTD_HOOK_LOG": log.path])
        for _ in 0..<2 {
            let result = await runner.run(
                HookTestKit.hook(.argv([Self.script("log-json.sh")])), environment: s.payload.environment,
                stdin: s.payload.stdin)
            #expect(result.outcome == .succeeded, "\(result.stderr)")
        }
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines { #expect(try JSONValue.parse(Data(line.utf8)) == s.payload.document) }
        #expect(!FileManager.default.fileExists(atPath: s.marker.path))
    }

    @Test(.enabled(if: hasTool("jq") && hasTool("curl")))
    func slackPostsTheExpectedJSON() async throws {
        let s = try Self.setup()
        let server = try await ScriptedServer.start([.init(status: 200, body: "ok")])
        let runner = HookTestKit.runner(base: [
            "PATH": HookTestKit.path, "SLACK_WEBHOOK_URL": "http://127.0.0.1:\(server.port)/hooks/abc",
        ])
        let result = await runner.run(
            HookTestKit.hook(.argv([Self.script("slack.sh")])), environment: s.payload.environment,
            stdin: s.payload.stdin)
        let received = await server.received
        await server.stop()
        #expect(result.outcome == .succeeded, "\(result.stderr)")
        let request = try #require(received.first)
        #expect(request.method == "POST")
        #expect(request.path == "/hooks/abc")
        #expect(request.headers["content-type"] == "application/json")
        let text = "Fine-tuning job `ftjob-x`: running → failed\nError: \(s.message)"
        #expect(try JSONValue.parse(Data(request.body.utf8)) == .object(["text": .string(text)]))
        #expect(!FileManager.default.fileExists(atPath: s.marker.path))
    }

    /// An alert's delivery, its detail as hostile as a job's message can be (a checkpoint
    /// name comes from the API).
    static func alertPayload(_ kind: AlertKind, detail: String) -> HookPayload {
        let job = FineTuningJob(id: "ftjob-x", status: "running", raw: .object(["id": .string("ftjob-x")]))
        let alert = JobAlert(
            account: "default", jobID: "ftjob-x", kind: kind, detail: detail, observedAt: 5, step: 9)
        let transition = Transition(
            jobID: "ftjob-x", from: nil, to: "running", observedAt: 5, isBaseline: false)
        return HookPayload(
            delivery: HookDelivery(
                id: "d", hook: "h", transition: transition, job: job, attemptsMade: 0, alert: alert),
            attempt: 1, databasePath: "/db")
    }

    @Test(
        .enabled(if: hasTool("jq") && hasTool("curl")),
        arguments: [
            (AlertKind.queuedTooLong, ":hourglass: Fine-tuning job `ftjob-x` is still waiting to start"),
            (.stalled, ":warning: Fine-tuning job `ftjob-x` has stopped making progress"),
            (
                .lossDiverged,
                ":chart_with_upwards_trend: Fine-tuning job `ftjob-x`: the training loss is diverging"
            ),
            (.overfitting, ":mag: Fine-tuning job `ftjob-x` has started overfitting"),
        ])
    func slackWordsEachAlertKind(_ example: (AlertKind, String)) async throws {
        let s = try Self.setup()
        let payload = Self.alertPayload(example.0, detail: s.message)
        let server = try await ScriptedServer.start([.init(status: 200, body: "ok")])
        let runner = HookTestKit.runner(base: [
            "PATH": HookTestKit.path, "SLACK_WEBHOOK_URL": "http://127.0.0.1:\(server.port)/hooks/abc",
        ])
        let result = await runner.run(
            HookTestKit.hook(.argv([Self.script("slack.sh")])), environment: payload.environment,
            stdin: payload.stdin)
        let received = await server.received
        await server.stop()
        #expect(result.outcome == .succeeded, "\(result.stderr)")
        let request = try #require(received.first)
        #expect(
            try JSONValue.parse(Data(request.body.utf8))
                == .object(["text": .string(example.1 + "\n" + s.message)]))
        #expect(!FileManager.default.fileExists(atPath: s.marker.path))
    }

    @Test func slackFailsWhenTheWebhookRejects() async throws {
        let s = try Self.setup()
        let server = try await ScriptedServer.start([.init(status: 500, body: "no")])
        let runner = HookTestKit.runner(base: [
            "PATH": HookTestKit.path, "SLACK_WEBHOOK_URL": "http://127.0.0.1:\(server.port)/x",
        ])
        let result = await runner.run(
            HookTestKit.hook(.argv([Self.script("slack.sh")])), environment: s.payload.environment,
            stdin: s.payload.stdin)
        await server.stop()
        #expect(result.outcome == .failed)
    }

    @Test func notifyDesktopPassesJobDataAsPlainArguments() async throws {
        let s = try Self.setup()
        try Self.writeStub(named: "notify-send", in: s.dir)
        let runner = HookTestKit.runner(base: ["PATH": "\(s.dir.path):\(HookTestKit.path)"])
        let result = await runner.run(
            HookTestKit.hook(.argv([Self.script("notify-desktop.sh")])), environment: s.payload.environment,
            stdin: s.payload.stdin)
        #expect(result.outcome == .succeeded, "\(result.stderr)")
        #expect(
            try Self.recordedArgv("notify-send", in: s.dir) == [
                "--app-name=ftd", "--urgency=critical", "--", "ftd: ftjob-x",
                "running → failed\n\(s.message)",
            ])
        #expect(!FileManager.default.fileExists(atPath: s.marker.path))
    }

    @Test func emailSendsToTheConfiguredRecipientWithHeadersKeptOnOneLine() async throws {
        let s = try Self.setup()
        try Self.writeStub(named: "sendmail", in: s.dir)
        let runner = HookTestKit.runner(base: [
            "PATH": "\(s.dir.path):\(HookTestKit.path)", "FTD_MAIL_TO": "ops@example.com",
        ])
        let result = await runner.run(
            HookTestKit.hook(.argv([Self.script("email.sh")])), environment: s.payload.environment,
            stdin: s.payload.stdin)
        #expect(result.outcome == .succeeded, "\(result.stderr)")
        #expect(try Self.recordedArgv("sendmail", in: s.dir) == ["-i", "--", "ops@example.com"])
        let mail = try String(contentsOf: s.dir.appendingPathComponent("sendmail.stdin"), encoding: .utf8)
        #expect(mail.hasPrefix("To: ops@example.com\nFrom: ftd\nSubject: ftd: ftjob-x running -> failed\n"))
        #expect(mail.contains("Error:    c \(s.message)\n"))
        #expect(!FileManager.default.fileExists(atPath: s.marker.path))
    }

    @Test func emailRefusesToRunWithoutARecipient() async throws {
        let s = try Self.setup()
        try Self.writeStub(named: "sendmail", in: s.dir)
        let result = await HookTestKit.runner(base: ["PATH": "\(s.dir.path):\(HookTestKit.path)"]).run(
            HookTestKit.hook(.argv([Self.script("email.sh")])), environment: s.payload.environment,
            stdin: s.payload.stdin)
        #expect(result.outcome == .failed)
        #expect(result.stderr.contains("FTD_MAIL_TO"))
    }

    /// Only where a desktop session exists; the stub test above covers the script itself.
    @Test(
        .enabled(
            if: hasTool("notify-send")
                && ProcessInfo.processInfo.environment["DBUS_SESSION_BUS_ADDRESS"] != nil))
    func notifyDesktopWithTheRealTool() async throws {
        let s = try Self.setup()
        var base = ProcessInfo.processInfo.environment
        base["PATH"] = HookTestKit.path
        let result = await HookTestKit.runner(base: base).run(
            HookTestKit.hook(.argv([Self.script("notify-desktop.sh")])), environment: s.payload.environment,
            stdin: s.payload.stdin)
        #expect(result.outcome == .succeeded, "\(result.stderr)")
    }
}
