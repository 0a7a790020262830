import FTDModel

/// The JSON of `ftd hooks runs --json`: an array of deliveries, newest first, with the
/// same conventions as `ftd history --json` (unix seconds, explicit nulls).
public enum DeliveryJSON {
    public static func deliveries(_ deliveries: [DeliveryView]) -> JSONValue {
        .array(deliveries.map(delivery))
    }

    static func delivery(_ delivery: DeliveryView) -> JSONValue {
        .object([
            "delivery_id": .string(delivery.deliveryID),
            "hook": .string(delivery.hook),
            "account": .string(delivery.account),
            "job_id": .string(delivery.jobID),
            "transition": .object([
                "from": .optional(delivery.from),
                "to": .string(delivery.to),
                "observed_at": .int(delivery.observedAt),
            ]),
            "status": .string(delivery.status),
            "attempts": .int(Int64(delivery.attempts)),
            "last_exit_code": delivery.lastExitCode.map { .int(Int64($0)) } ?? .null,
            "last_stderr_line": .optional(delivery.lastStderrLine),
            "created_at": .int(delivery.createdAt),
            "done_at": .optional(delivery.doneAt),
        ])
    }
}
