import Foundation

/// The body of a webhook (`{id: "evt_…", type, created_at, data: {id}}`), read only to know
/// which job to sync at once: the job's data still comes from the API, never from here.
public struct WebhookEvent: Sendable, Equatable {
    /// The event's own id (`evt_…`); the delivery's id is the `webhook-id` header.
    public var id: String
    /// `fine_tuning.job.succeeded`, `…failed`, `…cancelled`, or another product's event.
    public var type: String
    public var createdAt: Int64?
    /// `data.id`: the job's id for a fine-tuning event, another object's for other types.
    public var objectID: String?

    public init(id: String, type: String, createdAt: Int64? = nil, objectID: String? = nil) {
        self.id = id
        self.type = type
        self.createdAt = createdAt
        self.objectID = objectID
    }

    /// Event types this prefix starts are about one fine-tuning job; any other type (a
    /// response, a batch, an eval) is answered 200 and ignored (SPEC section 9).
    public static let fineTuningPrefix = "fine_tuning.job."

    /// The job to sync, nil for an event that is not about a fine-tuning job.
    public var fineTuningJobID: String? {
        type.hasPrefix(Self.fineTuningPrefix) ? objectID : nil
    }

    /// Parses and decodes a body. `id` and `type` are required; a fine-tuning event also
    /// needs `data.id`, and it must look like a job id (letters, digits, `-` and `_`), since it
    /// goes into the path of the request that syncs the job.
    public static func decode(_ body: Data) throws(APIDecodingError) -> WebhookEvent {
        try WebhookEvent(json: JSONValue.parseBody(body))
    }

    public init(json: JSONValue) throws(APIDecodingError) {
        let reader = try JSONObjectReader(json, what: "webhook event")
        let id = try reader.requiredString("id")
        let type = try reader.requiredString("type")
        var objectID: String?
        if let data = reader.value("data") {
            objectID = try JSONObjectReader(data, what: "webhook event's data").string("id")
        }
        if type.hasPrefix(Self.fineTuningPrefix) {
            guard let job = objectID, !job.isEmpty else {
                throw APIDecodingError("webhook event: a \(type) event needs data.id, the job's id")
            }
            guard job.utf8.count <= 128, job.utf8.allSatisfy(Self.isJobIDByte) else {
                throw APIDecodingError(
                    "webhook event: data.id \(String(job.prefix(40)).debugDescription) is not a job id")
            }
        }
        self.init(id: id, type: type, createdAt: reader.time("created_at"), objectID: objectID)
    }

    private static func isJobIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
