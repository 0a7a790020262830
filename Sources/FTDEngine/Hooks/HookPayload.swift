import FTDModel
import FTDStore
import Foundation

/// What one attempt of a delivery hands its hook (SPEC section 5): the environment
/// variables and the stdin JSON. Job data travels only here, never on a command line.
public struct HookPayload: Sendable, Equatable {
    /// The `FTD_*` variables, every one present (empty string when the value is absent).
    public var environment: [String: String]
    /// The stdin document, before encoding.
    public var document: JSONValue

    public init(delivery: HookDelivery, attempt: Int, databasePath: String) {
        let transition = delivery.transition
        let job = delivery.job
        environment = [
            "FTD_HOOK": delivery.hook,
            "FTD_DELIVERY_ID": delivery.id,
            "FTD_ATTEMPT": String(attempt),
            "FTD_ACCOUNT": transition.account,
            "FTD_JOB_ID": transition.jobID,
            "FTD_STATUS": transition.to,
            "FTD_PREVIOUS_STATUS": transition.from ?? "",
            "FTD_MODEL": job.model ?? "",
            "FTD_FINE_TUNED_MODEL": job.fineTunedModel ?? "",
            "FTD_TRAINED_TOKENS": job.trainedTokens.map { String($0) } ?? "",
            "FTD_ERROR_CODE": job.error?.code ?? "",
            "FTD_ERROR_MESSAGE": job.error?.message ?? "",
            "FTD_OBSERVED_AT": String(transition.observedAt),
            "FTD_DATABASE": databasePath,
            "FTD_ALERT": delivery.alert?.kind.rawValue ?? "",
            "FTD_ALERT_DETAIL": delivery.alert?.detail ?? "",
        ]
        var document: JSONObject = [
            "delivery_id": .string(delivery.id),
            "hook": .string(delivery.hook),
            "attempt": .int(Int64(attempt)),
            "account": .string(transition.account),
        ]
        if let alert = delivery.alert {
            // An alert is not a status change: `"alert"` instead of `"transition"`
            // (SPEC section 10), and FTD_STATUS is the job's status when it fired.
            document["alert"] = .object([
                "kind": .string(alert.kind.rawValue),
                "detail": .string(alert.detail),
                "observed_at": .int(alert.observedAt),
                "step": alert.step.map { .int(Int64($0)) } ?? .null,
            ])
        } else {
            document["transition"] = .object([
                "job_id": .string(transition.jobID),
                "from": transition.from.map { .string($0) } ?? .null,
                "to": .string(transition.to),
                "observed_at": .int(transition.observedAt),
            ])
        }
        document["job"] = job.raw
        self.document = .object(document)
    }

    /// One line of compact JSON: a trailing newline lets `read -r` in a shell hook see
    /// a complete line.
    public var stdin: Data {
        var data = document.encoded()
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
