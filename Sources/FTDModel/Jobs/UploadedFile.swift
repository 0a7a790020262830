import Foundation

/// A file object of `POST /files` and `GET /files/{id}`.
public struct UploadedFile: Sendable, Equatable {
    public var id: String
    public var filename: String?
    public var bytes: Int64?
    public var purpose: String?
    /// `uploaded`, `processed` or `error` (declared deprecated, still sent).
    public var status: String?
    public var statusDetails: String?
    public var createdAt: Int64?

    public init(
        id: String, filename: String? = nil, bytes: Int64? = nil, purpose: String? = nil,
        status: String? = nil, statusDetails: String? = nil, createdAt: Int64? = nil
    ) {
        self.id = id
        self.filename = filename
        self.bytes = bytes
        self.purpose = purpose
        self.status = status
        self.statusDetails = statusDetails
        self.createdAt = createdAt
    }

    /// Ready for a job. A server that does not send `status` (it is deprecated) is taken
    /// at its word that the file is usable.
    public var isProcessed: Bool { status == nil || status == "processed" }
    public var hasFailed: Bool { status == "error" }

    public init(json: JSONValue) throws(APIDecodingError) {
        let reader = try JSONObjectReader(json, what: "file")
        self.init(
            id: try reader.requiredString("id"), filename: reader.string("filename"),
            bytes: reader.int64("bytes"), purpose: reader.string("purpose"), status: reader.string("status"),
            statusDetails: reader.text("status_details"), createdAt: reader.int64("created_at"))
    }

    public init(body: Data) throws(APIDecodingError) {
        try self.init(json: try JSONValue.parseBody(body))
    }
}
