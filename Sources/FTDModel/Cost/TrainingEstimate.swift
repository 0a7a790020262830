/// What `ftd submit` expected a job to train on, from the training file it checked
/// before creating the job (`TrainingFileReport.billedTokens`): the job shows an
/// estimated cost from it until the API reports `trained_tokens` (SPEC section 10).
public struct TrainingEstimate: Sendable, Equatable {
    public var job: JobKey
    /// Estimated trained (billed) tokens: the training examples' tokens times the epochs.
    public var trainedTokens: Int64
    /// The epochs the estimate counts: those asked for, or the API's default for the
    /// file's number of examples.
    public var epochs: Int
    /// Unix seconds when the estimate was made.
    public var estimatedAt: Int64

    public init(job: JobKey, trainedTokens: Int64, epochs: Int, estimatedAt: Int64) {
        self.job = job
        self.trainedTokens = trainedTokens
        self.epochs = epochs
        self.estimatedAt = estimatedAt
    }
}
