import Foundation
import Testing

@testable import FTDConfig
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// `[alerts]`, `alert:KIND` in a hook's `on`, and what an alert's delivery hands its hook
/// (SPEC section 10).
@Suite struct AlertConfigAndPayloadTests {
    static func load(_ toml: String) throws -> Configuration {
        try ConfigurationLoader(environment: ["HOME": "/home/u"], fileExists: { _ in false }).load(
            contents: toml, path: "/c.toml")
    }

    static func error(_ toml: String) -> String? {
        let error = #expect(throws: ConfigurationError.self) { try Self.load(toml) }
        return error.map { "\($0)" }
    }

    @Test func theDefaultsAreTheSpecsAndEveryThresholdCanBeSetOrTurnedOff() throws {
        #expect(
            try Self.load("").alerts
                == AlertThresholds(queuedAfter: 7200, stalledAfter: 1800, divergeRatio: 2, overfitPatience: 3)
        )
        let set = try Self.load(
            "[alerts]\nqueued_after = 30\nstalled_after = 0\ndiverge_ratio = 3\noverfit_patience = 5\n")
        #expect(
            set.alerts
                == AlertThresholds(queuedAfter: 30, stalledAfter: 0, divergeRatio: 3, overfitPatience: 5))
        let off = try Self.load("[alerts]\ndiverge_ratio = 0\n")
        #expect(off.alerts.divergeRatio == 0)
    }

    @Test(arguments: [
        ("[alerts]\nqueued_after = -1\n", "alerts.queued_after: expected a whole number of seconds"),
        ("[alerts]\nstalled_after = 1.5\n", "alerts.stalled_after: expected a whole number of seconds"),
        ("[alerts]\ndiverge_ratio = 0.5\n", "alerts.diverge_ratio: expected a number above 1"),
        ("[alerts]\ndiverge_ratio = \"2\"\n", "alerts.diverge_ratio: expected a number above 1"),
        ("[alerts]\noverfit_patience = -3\n", "alerts.overfit_patience: expected a whole number"),
        ("[alerts]\nstuck_after = 5\n", "alerts.stuck_after"),
        (
            "[[hooks]]\nname = \"h\"\non = [\"alert:stuck\"]\ncommand = \"true\"\n",
            "hooks.h.on: unknown alert \"alert:stuck\": expected one of alert:queued_too_long, alert:stalled, alert:loss_diverged, alert:overfitting or alert:*"
        ),
    ])
    func aWrongThresholdOrAlertNameIsAConfigurationErrorNamingTheKey(_ example: (String, String)) {
        let message = Self.error(example.0)
        #expect(message?.contains(example.1) == true, "\(message ?? "no error")")
    }

    @Test func aHookHearsTheAlertsItsOnListsAndStarMeansTransitionsOnly() {
        let star = HookSettings(name: "a", on: ["*"], command: .shell("true"))
        let every = HookSettings(name: "b", on: ["alert:*"], command: .shell("true"))
        let one = HookSettings(
            name: "c", on: ["failed", "alert:stalled"], command: .shell("true"), accounts: ["x"])
        #expect(!star.fires(onAlert: .stalled, account: "default"))
        #expect(AlertKind.allCases.allSatisfy { every.fires(onAlert: $0, account: "default") })
        #expect(one.fires(onAlert: .stalled, account: "x"))
        #expect(!one.fires(onAlert: .stalled, account: "y"))
        #expect(!one.fires(onAlert: .overfitting, account: "x"))
    }

    @Test func anAlertsDeliveryCarriesTheAlertInsteadOfATransition() throws {
        let job = FineTuningJob(
            id: "ftjob-abc", status: "running", model: "gpt-4o-mini-2024-07-18",
            raw: .object(["id": .string("ftjob-abc")]))
        let alert = JobAlert(
            account: "research", jobID: "ftjob-abc", kind: .stalled,
            detail: "running with no new event for 31 min (alerts.stalled_after is 30 min)",
            observedAt: 1_700_000_500,
            step: 42)
        let delivery = HookDelivery(
            id: "dlv-9", hook: "page",
            transition: Transition(
                account: "research", jobID: "ftjob-abc", from: nil, to: "running", observedAt: 1_700_000_500,
                isBaseline: false),
            job: job, attemptsMade: 0, alert: alert)
        let payload = HookPayload(delivery: delivery, attempt: 1, databasePath: "/db")
        #expect(payload.environment["FTD_ALERT"] == "stalled")
        #expect(payload.environment["FTD_ALERT_DETAIL"] == alert.detail)
        #expect(payload.environment["FTD_STATUS"] == "running")
        #expect(payload.environment["FTD_PREVIOUS_STATUS"] == "")
        #expect(payload.environment["FTD_ACCOUNT"] == "research")
        let document = try #require(payload.document.objectValue)
        #expect(document["transition"] == nil)
        #expect(
            document["alert"]
                == .object([
                    "kind": .string("stalled"), "detail": .string(alert.detail),
                    "observed_at": .int(1_700_000_500),
                    "step": .int(42),
                ]))
        #expect(document["job"] == .object(["id": .string("ftjob-abc")]))
        var noStep = delivery
        noStep.alert?.step = nil
        let other = HookPayload(delivery: noStep, attempt: 1, databasePath: "/db").document.objectValue
        #expect(other?["alert"]?.objectValue?["step"] == .null)
    }
}
