import FTDModel
import GRDB

/// A row of `transitions`: one status change, in the order it was observed.
struct TransitionRecord: Sendable, Equatable {
    var id: Int64?
    var account: String
    var jobID: String
    var fromStatus: String?
    var toStatus: String
    var observedAt: Int64
    var isBaseline: Bool
}

extension TransitionRecord {
    init(_ transition: Transition) {
        self.init(
            id: nil, account: transition.account, jobID: transition.jobID, fromStatus: transition.from,
            toStatus: transition.to,
            observedAt: transition.observedAt, isBaseline: transition.isBaseline)
    }

    var transition: Transition {
        Transition(
            account: account, jobID: jobID, from: fromStatus, to: toStatus, observedAt: observedAt,
            isBaseline: isBaseline)
    }
}

extension TransitionRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "transitions"

    enum CodingKeys: String, CodingKey {
        case id, account
        case jobID = "job_id"
        case fromStatus = "from_status"
        case toStatus = "to_status"
        case observedAt = "observed_at"
        case isBaseline = "is_baseline"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
