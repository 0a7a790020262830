import Foundation

extension Checkpoint {
    /// Decodes a `fine_tuning.job.checkpoint`: only `id` is required. The job id comes
    /// from `fine_tuning_job_id`, else from `jobID` (the job whose list was read).
    public init(json: JSONValue, jobID: String? = nil) throws(APIDecodingError) {
        let reader = try JSONObjectReader(json, what: "checkpoint")
        let metrics = reader.value("metrics")
        self.init(
            id: try reader.requiredString("id"),
            jobID: reader.string("fine_tuning_job_id") ?? jobID ?? "",
            createdAt: reader.time("created_at"),
            stepNumber: reader.int("step_number") ?? metrics?["step"]?.intValue,
            fineTunedModelCheckpoint: reader.string("fine_tuned_model_checkpoint"),
            metrics: metrics
        )
    }
}
