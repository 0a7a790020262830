import FTDModel
import Foundation
import GRDB

/// A row of `events`. `seq` orders events stored within one `created_at` second.
struct EventRecord: Sendable, Equatable {
    var seq: Int64?
    var account: String
    var id: String
    var jobID: String
    var createdAt: Int64
    var level: String
    var type: String?
    var message: String
    var dataJSON: String?
}

extension EventRecord {
    init(_ event: JobEvent, account: String) {
        self.init(
            seq: nil, account: account, id: event.id, jobID: event.jobID, createdAt: event.createdAt,
            level: event.level,
            type: event.type, message: event.message,
            dataJSON: event.data.map(\.encodedString))
    }

    var event: JobEvent {
        JobEvent(
            id: id, jobID: jobID, createdAt: createdAt, level: level, type: type, message: message,
            data: dataJSON.flatMap { try? JSONValue.parse(Data($0.utf8)) })
    }
}

extension EventRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "events"

    enum CodingKeys: String, CodingKey {
        case seq, account, id
        case jobID = "job_id"
        case createdAt = "created_at"
        case level, type, message
        case dataJSON = "data_json"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }
}
