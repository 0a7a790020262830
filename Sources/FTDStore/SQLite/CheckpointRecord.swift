import FTDModel
import Foundation
import GRDB

/// A row of `checkpoints`, with the metrics object as the API sent it.
struct CheckpointRecord: Sendable, Equatable {
    var account: String
    var id: String
    var jobID: String
    var createdAt: Int64?
    var stepNumber: Int?
    var fineTunedModelCheckpoint: String?
    var metricsJSON: String?
}

extension CheckpointRecord {
    init(_ checkpoint: Checkpoint, account: String) {
        self.init(
            account: account, id: checkpoint.id, jobID: checkpoint.jobID, createdAt: checkpoint.createdAt,
            stepNumber: checkpoint.stepNumber,
            fineTunedModelCheckpoint: checkpoint.fineTunedModelCheckpoint,
            metricsJSON: checkpoint.metrics.map { String(decoding: $0.encoded(), as: UTF8.self) })
    }

    var checkpoint: Checkpoint {
        Checkpoint(
            id: id, jobID: jobID, createdAt: createdAt, stepNumber: stepNumber,
            fineTunedModelCheckpoint: fineTunedModelCheckpoint,
            metrics: metricsJSON.flatMap { try? JSONValue.parse(Data($0.utf8)) })
    }
}

extension CheckpointRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "checkpoints"

    enum CodingKeys: String, CodingKey {
        case account, id
        case jobID = "job_id"
        case createdAt = "created_at"
        case stepNumber = "step_number"
        case fineTunedModelCheckpoint = "fine_tuned_model_checkpoint"
        case metricsJSON = "metrics_json"
    }
}
