import FTDModel

/// One line of `ftd history`: a job as stored, with the size and end of its loss curve.
public struct JobSummary: Sendable, Equatable {
    /// The account it belongs to (SPEC section 8).
    public var account: String
    public var id: String
    public var status: String
    public var model: String?
    public var fineTunedModel: String?
    public var createdAt: Int64?
    public var finishedAt: Int64?
    public var trainedTokens: Int64?
    public var error: JobError?
    /// How many loss steps are stored.
    public var steps: Int
    /// `train_loss` of the highest stored step.
    public var lastTrainLoss: Double?
    /// The trained tokens `ftd submit` estimated before creating the job; nil for a job
    /// made elsewhere. Priced while the job runs (`PriceBook.cost(of:)`).
    public var estimatedTrainedTokens: Int64?

    public init(
        account: String = DefaultAccount.name, id: String, status: String, model: String? = nil,
        fineTunedModel: String? = nil,
        createdAt: Int64? = nil, finishedAt: Int64? = nil, trainedTokens: Int64? = nil,
        error: JobError? = nil, steps: Int = 0, lastTrainLoss: Double? = nil,
        estimatedTrainedTokens: Int64? = nil
    ) {
        self.account = account
        self.id = id
        self.status = status
        self.model = model
        self.fineTunedModel = fineTunedModel
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.trainedTokens = trainedTokens
        self.error = error
        self.steps = steps
        self.lastTrainLoss = lastTrainLoss
        self.estimatedTrainedTokens = estimatedTrainedTokens
    }
}

extension JobSummary {
    public var key: JobKey { JobKey(account: account, id: id) }
}

extension PriceBook {
    /// The job's cost: final from its trained tokens, estimated from `ftd submit`'s
    /// estimate while it runs, nil otherwise (`cost(model:account:status:…)`).
    public func cost(of job: JobSummary) -> JobCost? {
        cost(
            model: job.model, account: job.account, status: job.status, trainedTokens: job.trainedTokens,
            estimatedTokens: job.estimatedTrainedTokens)
    }
}
