extension SimulatorState {
    /// `POST /fine_tuning/jobs`: the job follows its uploaded training file's data.
    func createJob(_ body: SimJSON) throws(SimulatorAPIError) -> SimJSON {
        guard case .object = body else { throw .invalid("The request body must be a JSON object.") }
        guard let model = body["model"]?.stringValue, !model.isEmpty else { throw .missingParameter("model") }
        guard let trainingID = body["training_file"]?.stringValue, !trainingID.isEmpty else {
            throw .missingParameter("training_file")
        }
        let training = try processedUpload(trainingID, param: "training_file")
        let validationID = body["validation_file"]?.stringValue
        let validation = try validationID.map { id throws(SimulatorAPIError) in
            try processedUpload(id, param: "validation_file")
        }
        if let suffix = body["suffix"]?.stringValue, !(1...64).contains(suffix.count) {
            throw .invalid("suffix must be 1 to 64 characters long.", param: "suffix")
        }
        let hyperparameters = body["method"]?["supervised"]?["hyperparameters"] ?? body["hyperparameters"]
        let examples = training.exampleCount
        let epochs =
            try Self.number(hyperparameters?["n_epochs"], name: "n_epochs").map { Int($0) }
            ?? JobScript.automaticEpochs(examples: examples)
        let batchSize =
            try Self.number(hyperparameters?["batch_size"], name: "batch_size").map { Int($0) } ?? 1
        let multiplier =
            try Self.number(hyperparameters?["learning_rate_multiplier"], name: "learning_rate_multiplier")
            ?? 2
        let outcome = Self.outcome(training: training, validation: validation)
        let script = JobScript(
            model: model,
            trainingFile: trainingID,
            validationFile: validationID,
            suffix: body["suffix"]?.stringValue,
            examples: examples,
            epochs: epochs,
            batchSize: batchSize,
            learningRateMultiplier: multiplier,
            seed: body["seed"]?.intValue,
            outcome: outcome,
            metadata: Self.metadata(body["metadata"]),
            tokensPerEpoch: max(1, training.content.count / 4)
        )
        let id = addJob(script)
        return try retrieveJob(id)
    }

    /// What validating the files will find: a format error (training file first), too few
    /// training examples, or nothing wrong.
    private static func outcome(training: StoredFile, validation: StoredFile?) -> JobOutcome {
        if let problem = ChatFormatCheck.firstProblem(in: training.content) {
            return .fail(.invalidFile(problem, param: "training_file"), afterStep: nil)
        }
        if let validation, let problem = ChatFormatCheck.firstProblem(in: validation.content) {
            return .fail(.invalidFile(problem, param: "validation_file"), afterStep: nil)
        }
        let examples = training.exampleCount
        return examples < 10 ? .fail(.tooFewExamples(examples), afterStep: nil) : .succeed
    }

    /// A hyperparameter: a positive number, or `"auto"`/absent (`nil`).
    private static func number(_ value: SimJSON?, name: String) throws(SimulatorAPIError) -> Double? {
        guard let value, value != .null, value != .string("auto") else { return nil }
        guard let number = value.doubleValue, number > 0 else {
            throw .invalid("hyperparameters.\(name) must be \"auto\" or a positive number.", param: name)
        }
        return number
    }

    private static func metadata(_ value: SimJSON?) -> [String: String]? {
        guard case .object(let pairs)? = value else { return nil }
        var result: [String: String] = [:]
        for (key, value) in pairs {
            result[key] = value.stringValue ?? value.serialized
        }
        return result
    }
}
