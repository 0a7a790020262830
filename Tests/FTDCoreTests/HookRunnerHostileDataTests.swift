import Foundation
import Testing

@testable import FTDConfig
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// Job data reaches a hook only through env and stdin: shell metacharacters in it are
/// never run, and arrive byte for byte.
@Suite struct HookRunnerHostileDataTests {
    static func hostileMessage(marker: URL) -> String {
        let x = marker.path
        return "it's \"bad\" $(touch \(x)) `touch \(x)`; touch \(x) & | > < \\ $HOME 'q'\nline2 ;touch \(x)"
    }

    static func payload(message: String) -> HookPayload {
        let job = FineTuningJob(
            id: "ftjob-x", status: "failed", model: "m",
            error: JobError(code: "c", message: message, param: nil),
            raw: .object(["id": .string("ftjob-x"), "error": .object(["message": .string(message)])]))
        let transition = Transition(
            jobID: "ftjob-x", from: "running", to: "failed", observedAt: 1, isBaseline: false)
        return HookPayload(
            delivery: HookDelivery(id: "d", hook: "h", transition: transition, job: job, attemptsMade: 0),
            attempt: 1, databasePath: "/db")
    }

    enum Form: String, CaseIterable, Sendable { case argv, shell }

    @Test(arguments: Form.allCases)
    func hostileErrorMessageIsNeverExecutedAndArrivesIntact(form: Form) async throws {
        let dir = try HookTestKit.makeTempDirectory()
        let marker = dir.appendingPathComponent("X")
        let message = Self.hostileMessage(marker: marker)
        let payload = Self.payload(message: message)
        let messageFile = dir.appendingPathComponent("message")
        let stdinFile = dir.appendingPathComponent("stdin")
        let body = "printf '%s' \"$FTD_ERROR_MESSAGE\" > '\(messageFile.path)'; cat > '\(stdinFile.path)'"
        let command: HookSettings.Command
        switch form {
        case .shell: command = .shell(body)
        case .argv:
            let script = try HookTestKit.writeScript(
                "#!/bin/sh\n\(body)\n", to: dir.appendingPathComponent("hook.sh"))
            command = .argv([script.path])
        }
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(command), environment: payload.environment, stdin: payload.stdin)
        #expect(result.outcome == .succeeded, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        #expect(try Data(contentsOf: messageFile) == Data(message.utf8))
        #expect(try Data(contentsOf: stdinFile) == payload.stdin)
        let parsed = try JSONValue.parse(Data(contentsOf: stdinFile))
        #expect(parsed["job"]?["error"]?["message"]?.stringValue == message)
    }

    /// Issue 19, item 5: a NUL in a job field no longer makes the environment invalid.
    @Test func aNULInAJobFieldStillRunsTheHookAndStdinKeepsTheExactValue() async throws {
        let dir = try HookTestKit.makeTempDirectory()
        let message = "before\u{0}after"
        let payload = Self.payload(message: message)
        let messageFile = dir.appendingPathComponent("message")
        let stdinFile = dir.appendingPathComponent("stdin")
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(
                .shell(
                    "printf '%s' \"$FTD_ERROR_MESSAGE\" > '\(messageFile.path)'; cat > '\(stdinFile.path)'")),
            environment: payload.environment, stdin: payload.stdin)
        #expect(result.outcome == .succeeded, "\(result.stderr)")
        #expect(try String(contentsOf: messageFile, encoding: .utf8) == "before\u{FFFD}after")
        let parsed = try JSONValue.parse(Data(contentsOf: stdinFile))
        #expect(parsed["job"]?["error"]?["message"]?.stringValue == message)
    }
}
