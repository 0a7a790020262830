import FTDModel
import Foundation
import GRDB

/// A row of `jobs`: the latest state of a job, with the JSON the API last sent for it.
struct JobRecord: Sendable, Equatable {
    var account: String
    var id: String
    var status: String
    var model: String?
    var fineTunedModel: String?
    var createdAt: Int64?
    var finishedAt: Int64?
    var trainedTokens: Int64?
    var estimatedFinish: Int64?
    var trainingFile: String?
    var validationFile: String?
    var suffix: String?
    var errorCode: String?
    var errorMessage: String?
    var errorParam: String?
    var rawJSON: String
    var firstSeenAt: Int64
    var updatedAt: Int64
    var finalSyncDone: Bool
    /// `ObservedInstant` of the observation the row holds; nil in a row written before
    /// migration v5 (or by an ftd older than it), where `updatedAt` is all there is.
    var observedNanoseconds: Int64?
}

extension JobRecord {
    init(job: FineTuningJob, account: String, observed: ObservedInstant) {
        let observedAt = observed.unixSeconds
        self.init(
            account: account, id: job.id, status: job.status, model: job.model,
            fineTunedModel: job.fineTunedModel,
            createdAt: job.createdAt, finishedAt: job.finishedAt, trainedTokens: job.trainedTokens,
            estimatedFinish: job.estimatedFinish, trainingFile: job.trainingFile,
            validationFile: job.validationFile, suffix: job.suffix, errorCode: job.error?.code,
            errorMessage: job.error?.message, errorParam: job.error?.param,
            rawJSON: job.raw.encodedString, firstSeenAt: observedAt,
            updatedAt: observedAt, finalSyncDone: false, observedNanoseconds: observed.nanoseconds)
    }

    /// When the stored observation was made, as precisely as the row knows it.
    var observed: ObservedInstant {
        max(
            ObservedInstant(unixSeconds: updatedAt), ObservedInstant(nanoseconds: observedNanoseconds ?? .min)
        )
    }

    /// nil unless the job carries at least one error field.
    var error: JobError? {
        if errorCode == nil && errorMessage == nil && errorParam == nil { return nil }
        return JobError(code: errorCode, message: errorMessage, param: errorParam)
    }
}

extension JobRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "jobs"

    enum CodingKeys: String, CodingKey {
        case account, id, status, model
        case fineTunedModel = "fine_tuned_model"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
        case trainedTokens = "trained_tokens"
        case estimatedFinish = "estimated_finish"
        case trainingFile = "training_file"
        case validationFile = "validation_file"
        case suffix
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case errorParam = "error_param"
        case rawJSON = "raw_json"
        case firstSeenAt = "first_seen_at"
        case updatedAt = "updated_at"
        case finalSyncDone = "final_sync_done"
        case observedNanoseconds = "observed_ns"
    }
}
