import Foundation

/// The body of `POST /fine_tuning/jobs`.
public struct FineTuningJobRequest: Sendable, Equatable {
    public var model: String
    public var trainingFile: String
    public var validationFile: String?
    /// 1–64 characters, part of the fine-tuned model's name.
    public var suffix: String?
    public var seed: Int?
    /// `{"type": "supervised" | "dpo" | "reinforcement", …}` as the API takes it.
    public var method: JSONValue?
    public var metadata: [String: String]?

    public init(
        model: String, trainingFile: String, validationFile: String? = nil, suffix: String? = nil,
        seed: Int? = nil, method: JSONValue? = nil, metadata: [String: String]? = nil
    ) {
        self.model = model
        self.trainingFile = trainingFile
        self.validationFile = validationFile
        self.suffix = suffix
        self.seed = seed
        self.method = method
        self.metadata = metadata
    }

    public var json: JSONValue {
        var object: JSONObject = [
            "model": .string(model), "training_file": .string(trainingFile),
        ]
        if let validationFile { object["validation_file"] = .string(validationFile) }
        if let suffix { object["suffix"] = .string(suffix) }
        if let seed { object["seed"] = .int(Int64(seed)) }
        if let method { object["method"] = method }
        if let metadata {
            object["metadata"] = .object(
                JSONObject(
                    uniqueKeysWithValues: metadata.sorted { $0.key < $1.key }.map {
                        ($0.key, .string($0.value))
                    }))
        }
        return .object(object)
    }
}
