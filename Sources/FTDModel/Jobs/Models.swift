import Foundation
import OrderedCollections

/// Statuses after which a job never changes again.
public enum JobStatus {
    public static let terminal: Set<String> = ["succeeded", "failed", "cancelled"]

    public static func isTerminal(_ status: String) -> Bool { terminal.contains(status) }
}

/// A fine-tuning job as ftd understands it. `status` is an open set of strings.
/// `raw` is the job object exactly as the API sent it (parsed, not re-shaped).
public struct FineTuningJob: Sendable, Equatable {
    public var id: String
    public var status: String
    public var model: String?
    public var createdAt: Int64?
    public var finishedAt: Int64?
    public var fineTunedModel: String?
    public var trainedTokens: Int64?
    public var estimatedFinish: Int64?
    public var trainingFile: String?
    public var validationFile: String?
    public var resultFiles: [String]
    public var suffix: String?
    /// nil when the API sent no error: absent, `null`, `{}` or all-null fields.
    public var error: JobError?
    public var raw: JSONValue

    public init(
        id: String, status: String, model: String? = nil, createdAt: Int64? = nil,
        finishedAt: Int64? = nil, fineTunedModel: String? = nil, trainedTokens: Int64? = nil,
        estimatedFinish: Int64? = nil, trainingFile: String? = nil, validationFile: String? = nil,
        resultFiles: [String] = [], suffix: String? = nil, error: JobError? = nil,
        raw: JSONValue = .object([:])
    ) {
        self.id = id
        self.status = status
        self.model = model
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.fineTunedModel = fineTunedModel
        self.trainedTokens = trainedTokens
        self.estimatedFinish = estimatedFinish
        self.trainingFile = trainingFile
        self.validationFile = validationFile
        self.resultFiles = resultFiles
        self.suffix = suffix
        self.error = error
        self.raw = raw
    }

    public var isTerminal: Bool { JobStatus.isTerminal(status) }
}

public struct JobError: Sendable, Equatable, Codable {
    public var code: String?
    public var message: String?
    public var param: String?

    public init(code: String?, message: String?, param: String?) {
        self.code = code
        self.message = message
        self.param = param
    }
}

/// `fine_tuning.job.event`. `data` is kept as sent (nil when absent or null).
public struct JobEvent: Sendable, Equatable {
    public var id: String
    public var jobID: String
    public var createdAt: Int64
    public var level: String
    public var type: String?
    public var message: String
    public var data: JSONValue?

    public init(
        id: String, jobID: String, createdAt: Int64, level: String = "info", type: String? = nil,
        message: String, data: JSONValue? = nil
    ) {
        self.id = id
        self.jobID = jobID
        self.createdAt = createdAt
        self.level = level
        self.type = type
        self.message = message
        self.data = data
    }

    /// `Checkpoint created at step …`: the cue to read the job's checkpoints.
    public var announcesCheckpoint: Bool { message.hasPrefix("Checkpoint created") }
}

/// `fine_tuning.job.checkpoint`.
public struct Checkpoint: Sendable, Equatable {
    public var id: String
    public var jobID: String
    public var createdAt: Int64?
    public var stepNumber: Int?
    public var fineTunedModelCheckpoint: String?
    /// The `metrics` object as sent, nil when absent or null.
    public var metrics: JSONValue?

    public init(
        id: String, jobID: String, createdAt: Int64? = nil, stepNumber: Int? = nil,
        fineTunedModelCheckpoint: String? = nil, metrics: JSONValue? = nil
    ) {
        self.id = id
        self.jobID = jobID
        self.createdAt = createdAt
        self.stepNumber = stepNumber
        self.fineTunedModelCheckpoint = fineTunedModelCheckpoint
        self.metrics = metrics
    }
}

/// One page of a list endpoint, newest first.
public struct ListPage<Item: Sendable>: Sendable {
    public var data: [Item]
    public var hasMore: Bool

    public init(data: [Item], hasMore: Bool) {
        self.data = data
        self.hasMore = hasMore
    }
}

/// One training-loss step: one row per (job, step).
public struct LossStep: Sendable, Equatable {
    public var jobID: String
    public var step: Int
    public var totalSteps: Int?
    public var trainLoss: Double?
    public var trainMeanTokenAccuracy: Double?
    public var validLoss: Double?
    public var validMeanTokenAccuracy: Double?
    public var fullValidLoss: Double?
    public var fullValidMeanTokenAccuracy: Double?

    public init(
        jobID: String, step: Int, totalSteps: Int? = nil, trainLoss: Double? = nil,
        trainMeanTokenAccuracy: Double? = nil, validLoss: Double? = nil,
        validMeanTokenAccuracy: Double? = nil, fullValidLoss: Double? = nil,
        fullValidMeanTokenAccuracy: Double? = nil
    ) {
        self.jobID = jobID
        self.step = step
        self.totalSteps = totalSteps
        self.trainLoss = trainLoss
        self.trainMeanTokenAccuracy = trainMeanTokenAccuracy
        self.validLoss = validLoss
        self.validMeanTokenAccuracy = validMeanTokenAccuracy
        self.fullValidLoss = fullValidLoss
        self.fullValidMeanTokenAccuracy = fullValidMeanTokenAccuracy
    }
}
