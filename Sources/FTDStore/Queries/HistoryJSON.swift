import FTDModel

/// The JSON of `ftd history --json` and `ftd history JOB --json`, key for key as SPEC
/// section 6 shows it, with each job's `cost_usd` and `cost_estimated` (section 10) as
/// `prices` works them out.
public enum HistoryJSON {
    /// `ftd history --json`: an array of summaries.
    public static func summaries(_ summaries: [JobSummary], prices: PriceBook) -> JSONValue {
        .array(summaries.map { summary($0, prices: prices) })
    }

    /// `ftd history JOB --json`.
    public static func detail(_ detail: JobDetail, prices: PriceBook) -> JSONValue {
        .object([
            "job": summary(detail.summary, prices: prices),
            "transitions": .array(detail.transitions.map(transition)),
            "steps": .array(detail.steps.map(step)),
            "checkpoints": .array(detail.checkpoints.map(checkpoint)),
            "events": .array(detail.events.map(event)),
            "hook_runs": .array(detail.hookRuns.map(hookRun)),
            "alerts": .array(detail.alerts.map(alert)),
        ])
    }

    /// One alert, as a hook's stdin carries it, with its job.
    public static func alert(_ alert: JobAlert) -> JSONValue {
        .object([
            "account": .string(alert.account),
            "job_id": .string(alert.jobID),
            "kind": .string(alert.kind.rawValue),
            "detail": .string(alert.detail),
            "observed_at": .int(alert.observedAt),
            "step": alert.step.map { .int(Int64($0)) } ?? .null,
        ])
    }

    /// `cost_usd` is the dollars rounded to 6 decimals, null when unknown; `cost_estimated`
    /// is true only for a cost from `ftd submit`'s estimate (false for a null cost).
    package static func summary(_ job: JobSummary, prices: PriceBook) -> JSONValue {
        let cost = prices.cost(of: job)
        return .object([
            "id": .string(job.id),
            "account": .string(job.account),
            "status": .string(job.status),
            "model": .optional(job.model),
            "fine_tuned_model": .optional(job.fineTunedModel),
            "created_at": .optional(job.createdAt),
            "finished_at": .optional(job.finishedAt),
            "trained_tokens": .optional(job.trainedTokens),
            "cost_usd": .optional(cost?.roundedUSD),
            "cost_estimated": .bool(cost?.isEstimate ?? false),
            "error": job.error.map(error) ?? .null,
            "steps": .int(Int64(job.steps)),
            "last_train_loss": .optional(job.lastTrainLoss),
        ])
    }

    static func error(_ error: JobError) -> JSONValue {
        .object([
            "code": .optional(error.code),
            "message": .optional(error.message),
            "param": .optional(error.param),
        ])
    }

    static func transition(_ transition: Transition) -> JSONValue {
        .object([
            "from": .optional(transition.from),
            "to": .string(transition.to),
            "observed_at": .int(transition.observedAt),
        ])
    }

    static func step(_ step: LossStep) -> JSONValue {
        .object([
            "step": .int(Int64(step.step)),
            "total_steps": .optional(step.totalSteps),
            "train_loss": .optional(step.trainLoss),
            "train_mean_token_accuracy": .optional(step.trainMeanTokenAccuracy),
            "valid_loss": .optional(step.validLoss),
            "valid_mean_token_accuracy": .optional(step.validMeanTokenAccuracy),
            "full_valid_loss": .optional(step.fullValidLoss),
            "full_valid_mean_token_accuracy": .optional(step.fullValidMeanTokenAccuracy),
        ])
    }

    static func checkpoint(_ checkpoint: Checkpoint) -> JSONValue {
        .object([
            "id": .string(checkpoint.id),
            "step_number": .optional(checkpoint.stepNumber),
            "fine_tuned_model_checkpoint": .optional(checkpoint.fineTunedModelCheckpoint),
            "metrics": checkpoint.metrics.map { $0.sortingKeys() } ?? .null,
        ])
    }

    package static func event(_ event: JobEvent) -> JSONValue {
        .object([
            "id": .string(event.id),
            "created_at": .int(event.createdAt),
            "level": .string(event.level),
            "type": .optional(event.type),
            "message": .string(event.message),
        ])
    }

    static func hookRun(_ run: HookRunView) -> JSONValue {
        .object([
            "hook": .string(run.hook),
            "delivery_id": .string(run.deliveryID),
            "attempt": .int(Int64(run.attempt)),
            "status": .string(run.status),
            "exit_code": run.exitCode.map { .int(Int64($0)) } ?? .null,
            "timed_out": .bool(run.timedOut),
            "started_at": .int(run.startedAt),
            "duration_ms": .optional(run.durationMs),
        ])
    }
}
