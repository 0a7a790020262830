import Foundation
import Testing

@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

@Suite struct HookPayloadTests {
    static let raw: JSONValue = .object([
        "id": .string("ftjob-abc"), "object": .string("fine_tuning.job"),
        "status": .string("failed"), "model": .string("gpt-4o-mini-2024-07-18"),
        "trained_tokens": .null,
    ])

    static func delivery(from: String?, error: JobError?, tokens: Int64?, tuned: String?)
        -> HookDelivery
    {
        let job = FineTuningJob(
            id: "ftjob-abc", status: "failed", model: "gpt-4o-mini-2024-07-18",
            fineTunedModel: tuned, trainedTokens: tokens, error: error, raw: raw)
        let transition = Transition(
            jobID: "ftjob-abc", from: from, to: "failed", observedAt: 1_700_000_123, isBaseline: false)
        return HookDelivery(id: "dlv-1", hook: "notify", transition: transition, job: job, attemptsMade: 0)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var delivery: HookDelivery
        var attempt: Int
        var expected: [String: String]
        var testDescription: String { name }
    }

    static let base: [String: String] = [
        "FTD_HOOK": "notify", "FTD_DELIVERY_ID": "dlv-1", "FTD_ATTEMPT": "1",
        "FTD_ACCOUNT": "default", "FTD_JOB_ID": "ftjob-abc", "FTD_STATUS": "failed",
        "FTD_PREVIOUS_STATUS": "running",
        "FTD_MODEL": "gpt-4o-mini-2024-07-18", "FTD_FINE_TUNED_MODEL": "", "FTD_TRAINED_TOKENS": "",
        "FTD_ERROR_CODE": "", "FTD_ERROR_MESSAGE": "", "FTD_OBSERVED_AT": "1700000123",
        "FTD_DATABASE": "/var/lib/ftd/ftd.sqlite", "FTD_ALERT": "", "FTD_ALERT_DETAIL": "",
    ]

    static func with(_ changes: [String: String]) -> [String: String] {
        base.merging(changes) { _, new in new }
    }

    static let cases: [Case] = [
        Case(
            name: "running to failed, nothing optional",
            delivery: delivery(from: "running", error: nil, tokens: nil, tuned: nil),
            attempt: 1, expected: base),
        Case(
            name: "new job: previous status empty",
            delivery: delivery(from: nil, error: nil, tokens: nil, tuned: nil),
            attempt: 1, expected: with(["FTD_PREVIOUS_STATUS": ""])),
        Case(
            name: "error, tokens, model, third attempt",
            delivery: delivery(
                from: "running", error: JobError(code: "invalid_file", message: "bad $(x) `y`", param: nil),
                tokens: 12345, tuned: "ft:gpt-4o-mini:org::abc"),
            attempt: 3,
            expected: with([
                "FTD_ATTEMPT": "3", "FTD_ERROR_CODE": "invalid_file", "FTD_ERROR_MESSAGE": "bad $(x) `y`",
                "FTD_TRAINED_TOKENS": "12345", "FTD_FINE_TUNED_MODEL": "ft:gpt-4o-mini:org::abc",
            ])),
        Case(
            name: "error with code only",
            delivery: delivery(
                from: "running", error: JobError(code: "x", message: nil, param: nil), tokens: nil, tuned: nil
            ),
            attempt: 2, expected: with(["FTD_ATTEMPT": "2", "FTD_ERROR_CODE": "x"])),
    ]

    @Test(arguments: cases)
    func environment(_ testCase: Case) {
        let payload = HookPayload(
            delivery: testCase.delivery, attempt: testCase.attempt, databasePath: "/var/lib/ftd/ftd.sqlite")
        #expect(payload.environment == testCase.expected)
    }

    @Test(
        arguments: [("running", JSONValue.string("running")), (nil, JSONValue.null)] as [(String?, JSONValue)]
    )
    func stdinDocument(from: String?, expectedFrom: JSONValue) throws {
        let payload = HookPayload(
            delivery: Self.delivery(from: from, error: nil, tokens: nil, tuned: nil), attempt: 2,
            databasePath: "/db")
        let parsed = try JSONValue.parse(payload.stdin)
        #expect(
            parsed
                == .object([
                    "delivery_id": .string("dlv-1"), "hook": .string("notify"), "attempt": .int(2),
                    "account": .string("default"),
                    "transition": .object([
                        "job_id": .string("ftjob-abc"), "from": expectedFrom, "to": .string("failed"),
                        "observed_at": .int(1_700_000_123),
                    ]),
                    "job": Self.raw,
                ]))
    }

    @Test func stdinIsOneLine() {
        let payload = HookPayload(
            delivery: Self.delivery(from: nil, error: nil, tokens: nil, tuned: nil), attempt: 1,
            databasePath: "/db")
        let text = String(decoding: payload.stdin, as: UTF8.self)
        #expect(text.hasSuffix("\n"))
        #expect(text.dropLast().contains("\n") == false)
    }

    @Test func environmentMergeDropsDaemonPrivateVariables() {
        let merged = HookEnvironment.merged(
            base: [
                "PATH": "/bin", "NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "1", "WATCHDOG_PID": "2",
                "OPENAI_API_KEY": "sk-secret", "FTD_HOOK": "stale",
            ],
            adding: ["FTD_HOOK": "notify"], apiKeyVariable: "OPENAI_API_KEY")
        #expect(merged == ["PATH": "/bin", "FTD_HOOK": "notify"])
    }
}
