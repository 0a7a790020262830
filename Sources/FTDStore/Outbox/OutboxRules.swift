import FTDConfig
import FTDModel
import Foundation

/// What the outbox decides without a database (SPEC sections 5 and 10), shared by the
/// SQLite and the PostgreSQL store: which hooks a transition or an alert is delivered to,
/// the deliveries' ids, and how a stored delivery becomes the `HookDelivery` a hook runs
/// with. Both stores must hand the dispatcher the same deliveries.
package enum OutboxRules {
    /// `dlv_` and 24 hex digits: unique enough to tell deliveries apart in logs and in a
    /// hook's idempotency store, short enough to read.
    package static func newDeliveryID() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = (0..<24).map { _ in String(generator.next(upperBound: UInt8(16)), radix: 16) }
        return "dlv_" + digits.joined()
    }

    /// The hooks a transition is delivered to, with each one's place in the configuration
    /// (the order of one transition's deliveries). None for the baseline's.
    package static func hooks(for transition: Transition, among hooks: [HookSettings])
        -> [(position: Int, hook: HookSettings)]
    {
        guard !transition.isBaseline else { return [] }
        return hooks.enumerated().filter { $0.element.fires(on: transition.to, account: transition.account) }
            .map { (position: $0.offset, hook: $0.element) }
    }

    /// The hooks whose `on` lists the alert's kind (or `alert:*`), with their places.
    package static func hooks(for alert: JobAlert, among hooks: [HookSettings])
        -> [(position: Int, hook: HookSettings)]
    {
        hooks.enumerated().filter { $0.element.fires(onAlert: alert.kind, account: alert.account) }
            .map { (position: $0.offset, hook: $0.element) }
    }

    /// When a delivery whose attempt succeeded is done: the attempt's end, to the second
    /// above.
    package static func doneAt(_ result: HookRunResult) -> Int64 {
        result.startedAt + Int64((result.durationMs + 999) / 1000)
    }

    /// The transition a stored delivery carries. An alert's (a kind this ftd knows) is not
    /// a status change: the hook sees the job's status, and no previous one (SPEC section
    /// 10). A transition's columns are nil only for an alert's delivery of a kind this ftd
    /// does not know; it then reads as the job's status, like one.
    package static func transition(
        account: String, jobID: String, jobStatus: String,
        stored: (from: String?, to: String?, observedAt: Int64?, isBaseline: Bool?),
        alert: (kind: String, detail: String, observedAt: Int64, step: Int?)?
    ) -> (transition: Transition, alert: JobAlert?) {
        if let alert, let kind = AlertKind(rawValue: alert.kind) {
            return (
                Transition(
                    account: account, jobID: jobID, from: nil, to: jobStatus, observedAt: alert.observedAt,
                    isBaseline: false),
                JobAlert(
                    account: account, jobID: jobID, kind: kind, detail: alert.detail,
                    observedAt: alert.observedAt,
                    step: alert.step)
            )
        }
        return (
            Transition(
                account: account, jobID: jobID, from: stored.from, to: stored.to ?? jobStatus,
                observedAt: stored.observedAt ?? alert?.observedAt ?? 0,
                isBaseline: stored.isBaseline ?? false),
            nil
        )
    }

    /// The job as stored with the delivery, parsed once: the hook's stdin carries that tree
    /// (`FineTuningJob.raw`). nil should that JSON not decode (it always was a decoded job):
    /// then `fallbackJob` stands in, so a delivery is never stuck.
    package static func parsedJob(_ jobJSON: String) -> FineTuningJob? {
        guard let raw = try? JSONValue.parse(Data(jobJSON.utf8)) else { return nil }
        return try? FineTuningJob(json: raw)
    }

    /// The job's stored row, at the delivery's status, for a delivery whose own JSON does
    /// not decode; only its id and status without a row.
    package static func fallbackJob(stored: JobRecord?, jobID: String, status: String) -> FineTuningJob {
        guard let stored else { return FineTuningJob(id: jobID, status: status) }
        return FineTuningJob(
            id: stored.id, status: status, model: stored.model, createdAt: stored.createdAt,
            finishedAt: stored.finishedAt, fineTunedModel: stored.fineTunedModel,
            trainedTokens: stored.trainedTokens, estimatedFinish: stored.estimatedFinish,
            trainingFile: stored.trainingFile, validationFile: stored.validationFile, suffix: stored.suffix,
            error: stored.error, raw: (try? JSONValue.parse(Data(stored.rawJSON.utf8))) ?? .object([:]))
    }
}
