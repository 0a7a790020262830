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

extension JobAlert {
    /// A plausible alert of `kind` for `ftd hooks test --alert`, worded as the judge words
    /// it for the configured thresholds.
    public static func example(
        _ kind: AlertKind, account: String, jobID: String, at time: Int64, thresholds: AlertThresholds
    ) -> JobAlert {
        let detail: String
        switch kind {
        case .queuedTooLong:
            let waited = max(thresholds.queuedAfter, 60) + 300
            detail =
                AlertJudge.judge(
                    AlertFacts(status: "queued", waitingSince: time - Int64(waited)), now: time,
                    thresholds: AlertThresholds(queuedAfter: max(thresholds.queuedAfter, 60))
                ).first?.detail ?? "queued too long"
        case .stalled:
            let silent = max(thresholds.stalledAfter, 60) + 60
            detail =
                AlertJudge.judge(
                    AlertFacts(status: "running", silentSince: time - Int64(silent)), now: time,
                    thresholds: AlertThresholds(
                        queuedAfter: 0, stalledAfter: max(thresholds.stalledAfter, 60))
                ).first?.detail ?? "running with no new event"
        case .lossDiverged:
            detail = "train loss is NaN at step 57"
        case .overfitting:
            detail =
                "validation loss rose 3 times in a row above its minimum 0.412 at step 300 while train loss fell; nearest checkpoint: ft:gpt-4o-mini-2024-07-18:ftd-test::hooktest:ckpt-step-300 (step 300)"
        }
        return JobAlert(
            account: account, jobID: jobID, kind: kind, detail: detail, observedAt: time, step: 57)
    }
}
