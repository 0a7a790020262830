import Foundation

/// One kept checkpoint of a job.
struct TimelineCheckpoint: Sendable, Equatable {
    let id: String
    let createdAt: Int64
    let step: Int
    let name: String
    let metrics: StepMetrics
}

extension JobTimeline {
    /// Checkpoints visible at `now`, oldest first. The final one appears when the job
    /// succeeds and is named after the fine-tuned model itself.
    func checkpoints(at now: Double) -> [TimelineCheckpoint] {
        let done = completedSteps(at: now)
        let succeeded = status(at: now) == "succeeded"
        let total = script.totalSteps
        let curve = lossCurve
        return checkpointSteps.compactMap { step in
            let isFinal = step == total
            guard isFinal ? succeeded : step <= done else { return nil }
            let time = simulatedTime(ofActive: isFinal ? endOffset : stepOffset(step))
            return TimelineCheckpoint(
                id: job.checkpointID(step: step),
                createdAt: Self.seconds(time),
                step: step,
                name: isFinal ? job.fineTunedModel : "\(job.fineTunedModel):ckpt-step-\(step)",
                metrics: curve.metrics(step: step)
            )
        }
    }

    /// The result file's CSV: one row per step, empty cells where validation did not run.
    func resultCSV() -> String {
        var lines = ["step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"]
        let curve = lossCurve
        if plannedSteps > 0 {
            for step in 1...plannedSteps {
                let m = curve.metrics(step: step)
                let valid = m.validLoss.map(Self.fiveDecimals) ?? ""
                let validAccuracy = m.validAccuracy.map(Self.fiveDecimals) ?? ""
                lines.append(
                    "\(step),\(Self.fiveDecimals(m.trainLoss)),\(Self.fiveDecimals(m.trainAccuracy)),\(valid),\(validAccuracy)"
                )
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func fiveDecimals(_ value: Double) -> String {
        String(format: "%.5f", value)
    }
}
