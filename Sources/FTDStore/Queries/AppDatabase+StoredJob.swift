import FTDModel
import Foundation
import GRDB

extension AppDatabase {
    /// A stored job as the API last sent it (its raw JSON decoded again), for
    /// `ftd hooks test --job`. Unknown ids throw `StoreError.unknownJob`.
    public func storedJob(_ job: JobKey) throws -> FineTuningJob {
        guard
            let record = try writer.read({ db in
                try JobRecord.fetchOne(db, key: ["account": job.account, "id": job.id])
            })
        else {
            throw StoreError.unknownJob(input: job.id)
        }
        return StoredRows.job(rawJSON: record.rawJSON) {
            FineTuningJob(
                id: record.id, status: record.status, model: record.model, createdAt: record.createdAt,
                finishedAt: record.finishedAt, fineTunedModel: record.fineTunedModel,
                trainedTokens: record.trainedTokens, error: record.error)
        }
    }
}
