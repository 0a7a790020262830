import FTDModel
import GRDB

/// A row of `steps`: one loss step per (job, step).
struct StepRecord: Sendable, Equatable {
    var account: String
    var jobID: String
    var step: Int
    var totalSteps: Int?
    var trainLoss: Double?
    var trainMeanTokenAccuracy: Double?
    var validLoss: Double?
    var validMeanTokenAccuracy: Double?
    var fullValidLoss: Double?
    var fullValidMeanTokenAccuracy: Double?
    /// Non-finite values (`NonFiniteLosses`), NULL in their columns.
    var nonFinite: String? = nil
}

extension StepRecord {
    init(_ step: LossStep, account: String) {
        let nonFinite = NonFiniteLosses.encoded(step)
        let step = NonFiniteLosses.finite(step)
        self.init(
            account: account, jobID: step.jobID, step: step.step, totalSteps: step.totalSteps,
            trainLoss: step.trainLoss,
            trainMeanTokenAccuracy: step.trainMeanTokenAccuracy, validLoss: step.validLoss,
            validMeanTokenAccuracy: step.validMeanTokenAccuracy, fullValidLoss: step.fullValidLoss,
            fullValidMeanTokenAccuracy: step.fullValidMeanTokenAccuracy, nonFinite: nonFinite)
    }

    var lossStep: LossStep {
        var step = LossStep(
            jobID: jobID, step: step, totalSteps: totalSteps, trainLoss: trainLoss,
            trainMeanTokenAccuracy: trainMeanTokenAccuracy, validLoss: validLoss,
            validMeanTokenAccuracy: validMeanTokenAccuracy, fullValidLoss: fullValidLoss,
            fullValidMeanTokenAccuracy: fullValidMeanTokenAccuracy)
        if let nonFinite { NonFiniteLosses.restore(nonFinite, into: &step) }
        return step
    }
}

extension StepRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "steps"

    enum CodingKeys: String, CodingKey {
        case account
        case jobID = "job_id"
        case step
        case totalSteps = "total_steps"
        case trainLoss = "train_loss"
        case trainMeanTokenAccuracy = "train_mean_token_accuracy"
        case validLoss = "valid_loss"
        case validMeanTokenAccuracy = "valid_mean_token_accuracy"
        case fullValidLoss = "full_valid_loss"
        case fullValidMeanTokenAccuracy = "full_valid_mean_token_accuracy"
        case nonFinite = "non_finite"
    }
}
