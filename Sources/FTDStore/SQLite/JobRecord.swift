import FTDModel
import Foundation
import GRDB

/// A row of `jobs`: the latest state of a job, with the JSON the API last sent for it.
/// `package`: the PostgreSQL store writes the same columns from it (`CycleRules`).
package struct JobRecord: Sendable, Equatable {
    package var account: String
    package var id: String
    package var status: String
    package var model: String?
    package var fineTunedModel: String?
    package var createdAt: Int64?
    package var finishedAt: Int64?
    package var trainedTokens: Int64?
    package var estimatedFinish: Int64?
    package var trainingFile: String?
    package var validationFile: String?
    package var suffix: String?
    package var errorCode: String?
    package var errorMessage: String?
    package var errorParam: String?
    package var rawJSON: String
    package var firstSeenAt: Int64
    package var updatedAt: Int64
    package var finalSyncDone: Bool
    /// `ObservedInstant` of the observation the row holds; nil in a row written before
    /// migration v5 (or by an ftd older than it), where `updatedAt` is all there is.
    package var observedNanoseconds: Int64?

    package init(
        account: String, id: String, status: String, model: String?, fineTunedModel: String?,
        createdAt: Int64?, finishedAt: Int64?, trainedTokens: Int64?, estimatedFinish: Int64?,
        trainingFile: String?, validationFile: String?, suffix: String?, errorCode: String?,
        errorMessage: String?, errorParam: String?, rawJSON: String, firstSeenAt: Int64, updatedAt: Int64,
        finalSyncDone: Bool, observedNanoseconds: Int64?
    ) {
        self.account = account
        self.id = id
        self.status = status
        self.model = model
        self.fineTunedModel = fineTunedModel
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.trainedTokens = trainedTokens
        self.estimatedFinish = estimatedFinish
        self.trainingFile = trainingFile
        self.validationFile = validationFile
        self.suffix = suffix
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.errorParam = errorParam
        self.rawJSON = rawJSON
        self.firstSeenAt = firstSeenAt
        self.updatedAt = updatedAt
        self.finalSyncDone = finalSyncDone
        self.observedNanoseconds = observedNanoseconds
    }
}

extension JobRecord {
    package init(job: FineTuningJob, account: String, observed: ObservedInstant) {
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
    package var observed: ObservedInstant {
        StoredJobState.observed(updatedAt: updatedAt, observedNanoseconds: observedNanoseconds)
    }

    /// What the rule of a later look reads of this row.
    package var state: StoredJobState {
        StoredJobState(
            status: status, updatedAt: updatedAt, observedNanoseconds: observedNanoseconds,
            firstSeenAt: firstSeenAt, finalSyncDone: finalSyncDone)
    }

    /// nil unless the job carries at least one error field.
    var error: JobError? { StoredRows.jobError(code: errorCode, message: errorMessage, param: errorParam) }
}

extension JobRecord: Codable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "jobs"

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
