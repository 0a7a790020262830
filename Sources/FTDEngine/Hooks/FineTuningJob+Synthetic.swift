import FTDModel

extension FineTuningJob {
    /// A plausible job for `ftd hooks test` without a stored one: the shape of the API's
    /// job object, clearly marked as a test.
    public static func synthetic(status: String, at time: Int64) -> FineTuningJob {
        let terminal = JobStatus.isTerminal(status)
        let failed = status == "failed"
        let model = "gpt-4o-mini-2024-07-18"
        let fineTuned: String? = status == "succeeded" ? "ft:\(model):ftd-test::hooktest" : nil
        let error: JobError? =
            failed
            ? JobError(
                code: "invalid_n_examples",
                message: "Training file has 7 example(s), but must have at least 10 examples",
                param: "training_file") : nil
        var raw: JSONObject = [
            "id": .string("ftjob-hooktest"), "object": .string("fine_tuning.job"), "model": .string(model),
            "created_at": .int(time - 600), "status": .string(status),
            "finished_at": terminal ? .int(time) : .null,
            "fine_tuned_model": fineTuned.map(JSONValue.string) ?? .null,
            "trained_tokens": status == "succeeded" ? .int(12_345) : .null,
            "training_file": .string("file-hooktest"), "validation_file": .null,
            "result_files": .array([]), "organization_id": .string("org-hooktest"), "seed": .int(42),
            "hyperparameters": .object(["n_epochs": .string("auto")]),
            "metadata": .object(["ftd_hooks_test": .string("true")]),
        ]
        if let error {
            raw["error"] = .object([
                "code": error.code.map(JSONValue.string) ?? .null,
                "message": error.message.map(JSONValue.string) ?? .null,
                "param": error.param.map(JSONValue.string) ?? .null,
            ])
        } else {
            raw["error"] = .null
        }
        return FineTuningJob(
            id: "ftjob-hooktest", status: status, model: model, createdAt: time - 600,
            finishedAt: terminal ? time : nil, fineTunedModel: fineTuned,
            trainedTokens: status == "succeeded" ? 12_345 : nil, trainingFile: "file-hooktest", error: error,
            raw: .object(raw))
    }
}
