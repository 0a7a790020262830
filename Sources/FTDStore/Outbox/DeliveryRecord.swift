import GRDB

/// A row of `deliveries`: one (transition, hook) or (alert, hook) pair of the outbox.
struct DeliveryRecord: Sendable, Equatable {
    enum Status: String, Sendable, Codable {
        case pending, succeeded, failed
    }

    var id: String
    /// Exactly one of these is set.
    var transitionID: Int64?
    var alertID: Int64? = nil
    var account: String
    var jobID: String
    var hook: String
    var position: Int
    var jobJSON: String
    var status: Status
    var attempts: Int
    var createdAt: Int64
    var doneAt: Int64?

    /// A new delivery's id (`OutboxRules.newDeliveryID`).
    static func newID() -> String { OutboxRules.newDeliveryID() }
}

extension DeliveryRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "deliveries"

    enum CodingKeys: String, CodingKey {
        case id
        case transitionID = "transition_id"
        case alertID = "alert_id"
        case account
        case jobID = "job_id"
        case hook, position
        case jobJSON = "job_json"
        case status, attempts
        case createdAt = "created_at"
        case doneAt = "done_at"
    }
}
