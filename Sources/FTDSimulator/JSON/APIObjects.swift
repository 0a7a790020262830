/// The API's object shapes, field for field and in the real API's key order.
enum APIObjects {
    static let organizationID = "org-ftdsim"

    static func job(_ job: SimulatedJob, _ snapshot: JobSnapshot) -> SimJSON {
        let script = job.script
        let hyperparameters = SimJSON.object([
            ("n_epochs", .int(Int64(script.epochs))),
            ("batch_size", .int(Int64(script.batchSize))),
            ("learning_rate_multiplier", .double(script.learningRateMultiplier)),
        ])
        if job.flavor == .azure { return azureJob(job, snapshot, hyperparameters: hyperparameters) }
        let metadata = script.metadata.map { values in
            SimJSON.object(values.keys.sorted().map { ($0, .string(values[$0] ?? "")) })
        }
        return .object([
            ("object", .string("fine_tuning.job")),
            ("id", .string(job.id)),
            ("model", .string(script.model)),
            ("created_at", .int(JobTimeline.seconds(job.createdAt))),
            ("finished_at", .optional(snapshot.finishedAt)),
            ("fine_tuned_model", .optional(snapshot.fineTunedModel)),
            ("organization_id", .string(organizationID)),
            ("result_files", .array(snapshot.resultFiles.map(SimJSON.string))),
            ("status", .string(snapshot.status)),
            ("validation_file", .optional(script.validationFile)),
            ("training_file", .optional(script.trainingFile)),
            ("hyperparameters", hyperparameters),
            ("trained_tokens", .optional(snapshot.trainedTokens)),
            ("error", snapshot.error.map(error) ?? .null),
            ("integrations", .array([])),
            ("seed", .int(job.seed)),
            ("estimated_finish", .optional(snapshot.estimatedFinish)),
            (
                "method",
                .object([
                    ("type", .string("supervised")),
                    ("supervised", .object([("hyperparameters", hyperparameters)])),
                ])
            ),
            ("metadata", metadata ?? .null),
            ("user_provided_suffix", .optional(script.suffix)),
        ])
    }

    /// Azure's job, in the key order of Tests/Fixtures/job-azure-legacy-pending.json:
    /// `pending` for validating and queued, no organization, `result_files: null` until there
    /// is one, `suffix` rather than `user_provided_suffix`, and `error` only once failed.
    static func azureJob(_ job: SimulatedJob, _ snapshot: JobSnapshot, hyperparameters: SimJSON) -> SimJSON {
        let script = job.script
        var pairs: [(String, SimJSON)] = [
            ("object", .string("fine_tuning.job")),
            ("id", .string(job.id)),
            ("model", .string(script.model)),
            ("created_at", .int(JobTimeline.seconds(job.createdAt))),
            ("fine_tuned_model", .optional(snapshot.fineTunedModel)),
            ("organization_id", .null),
            (
                "result_files",
                snapshot.resultFiles.isEmpty ? .null : .array(snapshot.resultFiles.map(SimJSON.string))
            ),
            ("status", .string(azureStatus(snapshot.status))),
            ("validation_file", .optional(script.validationFile)),
            ("training_file", .optional(script.trainingFile)),
            ("hyperparameters", hyperparameters),
            ("finished_at", .optional(snapshot.finishedAt)),
            ("trained_tokens", .optional(snapshot.trainedTokens)),
            ("seed", .int(job.seed)),
            ("suffix", .optional(script.suffix)),
            ("estimated_finish", .optional(snapshot.estimatedFinish)),
        ]
        if let failure = snapshot.error { pairs.append(("error", error(failure))) }
        return .object(pairs)
    }

    /// Azure shows validating and queued as one status, `pending`.
    static func azureStatus(_ status: String) -> String {
        switch status {
        case "validating_files", "queued": return "pending"
        default: return status
        }
    }

    static func error(_ failure: JobFailure) -> SimJSON {
        .object([
            ("code", .string(failure.code)),
            ("message", .string(failure.message)),
            ("param", .optional(failure.param)),
        ])
    }

    static func event(_ event: TimelineEvent) -> SimJSON {
        var pairs: [(String, SimJSON)] = [
            ("object", .string("fine_tuning.job.event")),
            ("id", .string(event.id)),
            ("created_at", .int(event.createdAt)),
            ("level", .string(event.level)),
            ("message", .string(event.message)),
        ]
        if event.data != .null { pairs.append(("data", event.data)) }
        pairs.append(("type", .string(event.type)))
        return .object(pairs)
    }

    static func checkpoint(_ checkpoint: TimelineCheckpoint, jobID: String) -> SimJSON {
        let m = checkpoint.metrics
        var metrics: [(String, SimJSON)] = [
            ("step", .int(Int64(checkpoint.step))),
            ("train_loss", .double(m.trainLoss)),
            ("train_mean_token_accuracy", .double(m.trainAccuracy)),
        ]
        if let value = m.validLoss { metrics.append(("valid_loss", .double(value))) }
        if let value = m.validAccuracy { metrics.append(("valid_mean_token_accuracy", .double(value))) }
        if let value = m.fullValidLoss { metrics.append(("full_valid_loss", .double(value))) }
        if let value = m.fullValidAccuracy {
            metrics.append(("full_valid_mean_token_accuracy", .double(value)))
        }
        return .object([
            ("object", .string("fine_tuning.job.checkpoint")),
            ("id", .string(checkpoint.id)),
            ("created_at", .int(checkpoint.createdAt)),
            ("fine_tuned_model_checkpoint", .string(checkpoint.name)),
            ("fine_tuning_job_id", .string(jobID)),
            ("metrics", .object(metrics)),
            ("step_number", .int(Int64(checkpoint.step))),
        ])
    }

    static func file(_ file: StoredFile, at now: Double) -> SimJSON {
        .object([
            ("object", .string("file")),
            ("id", .string(file.id)),
            ("purpose", .string(file.purpose)),
            ("filename", .string(file.filename)),
            ("bytes", .int(Int64(file.content.count))),
            ("created_at", .int(file.createdAt)),
            ("status", .string(file.status(at: now))),
            ("status_details", .null),
        ])
    }

    /// `{"object": "list", "data": [...], "has_more": ...}`, with `first_id`/`last_id` when asked.
    /// `list` of items already written as JSON, as `list(…).serialized` would write it.
    static func listText(_ data: [String], hasMore: Bool) -> String {
        #"{"object":"list","data":["# + data.joined(separator: ",") + #"],"has_more":"# + "\(hasMore)}"
    }

    static func list(_ data: [SimJSON], hasMore: Bool, ids: [String]? = nil) -> SimJSON {
        var pairs: [(String, SimJSON)] = [
            ("object", .string("list")), ("data", .array(data)), ("has_more", .bool(hasMore)),
        ]
        if let ids {
            pairs.append(("first_id", .optional(ids.first)))
            pairs.append(("last_id", .optional(ids.last)))
        }
        return .object(pairs)
    }
}
