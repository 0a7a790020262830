import FTDModel
import Foundation
import GRDB

/// A row of `checkpoints`, with the metrics object as the API sent it.
/// `package`: the PostgreSQL store writes the same columns from it.
package struct CheckpointRecord: Sendable, Equatable {
    package var account: String
    package var id: String
    package var jobID: String
    package var createdAt: Int64?
    package var stepNumber: Int?
    package var fineTunedModelCheckpoint: String?
    package var metricsJSON: String?
}

extension CheckpointRecord {
    package init(_ checkpoint: Checkpoint, account: String) {
        self.init(
            account: account, id: checkpoint.id, jobID: checkpoint.jobID, createdAt: checkpoint.createdAt,
            stepNumber: checkpoint.stepNumber,
            fineTunedModelCheckpoint: checkpoint.fineTunedModelCheckpoint,
            metricsJSON: checkpoint.metrics.map { String(decoding: $0.encoded(), as: UTF8.self) })
    }

    var checkpoint: Checkpoint {
        StoredRows.checkpoint(
            id: id, jobID: jobID, createdAt: createdAt, stepNumber: stepNumber,
            fineTunedModelCheckpoint: fineTunedModelCheckpoint, metricsJSON: metricsJSON)
    }
}

extension CheckpointRecord: Codable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "checkpoints"

    enum CodingKeys: String, CodingKey {
        case account, id
        case jobID = "job_id"
        case createdAt = "created_at"
        case stepNumber = "step_number"
        case fineTunedModelCheckpoint = "fine_tuned_model_checkpoint"
        case metricsJSON = "metrics_json"
    }
}
