import Foundation

extension JobEvent {
    /// Decodes a `fine_tuning.job.event`: `id`, `created_at` and `message` are required.
    /// `level` defaults to `info`; `data` is kept as sent, nil when absent or null.
    public init(json: JSONValue, jobID: String) throws(APIDecodingError) {
        let reader = try JSONObjectReader(json, what: "event")
        self.init(
            id: try reader.requiredString("id"),
            jobID: jobID,
            createdAt: try reader.requiredTime("created_at"),
            level: reader.string("level") ?? "info",
            type: reader.string("type"),
            message: try Self.message(reader),
            data: reader.value("data")
        )
    }

    /// An empty message is still a message; only a missing or non-string one is wrong.
    private static func message(_ reader: JSONObjectReader) throws(APIDecodingError) -> String {
        guard let value = reader.value("message") else {
            throw APIDecodingError("event: the required field \"message\" is missing")
        }
        guard let message = value.stringValue else {
            throw APIDecodingError("event: the field \"message\" must be a string, got \(value.typeName)")
        }
        return message
    }
}
