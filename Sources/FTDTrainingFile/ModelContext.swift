/// How long a training example of one model may be.
public struct ModelContext: Sendable, Equatable {
    /// As the user named it.
    public var model: String
    /// The known snapshot it resolved to; `nil` when the model is not known and
    /// `contextLength` is `FineTuningModels.assumedContextLength`.
    public var snapshot: String?
    public var contextLength: Int

    public var isKnown: Bool { snapshot != nil }

    public init(model: String, snapshot: String?, contextLength: Int) {
        self.model = model
        self.snapshot = snapshot
        self.contextLength = contextLength
    }
}
