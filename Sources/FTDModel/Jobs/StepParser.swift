import Foundation

/// Turns an event into a training-loss step.
///
/// A `metrics` event carries the figures in `data` (full precision). Older jobs only have
/// the message text, `Step 85/100: training loss=0.14` with optional
/// `, validation loss=Y` and `, full validation loss=Z`, rounded to two decimals, so the
/// message is read only when `data` has no step.
public enum StepParser {
    public static func step(from event: JobEvent) -> LossStep? {
        if let step = stepFromData(event) { return step }
        return stepFromMessage(event.message, jobID: event.jobID)
    }

    static func stepFromData(_ event: JobEvent) -> LossStep? {
        guard let data = event.data, let step = data["step"]?.intValue else { return nil }
        return LossStep(
            jobID: event.jobID, step: step,
            totalSteps: data["total_steps"]?.intValue,
            trainLoss: data["train_loss"]?.doubleValue,
            trainMeanTokenAccuracy: data["train_mean_token_accuracy"]?.doubleValue,
            validLoss: data["valid_loss"]?.doubleValue,
            validMeanTokenAccuracy: data["valid_mean_token_accuracy"]?.doubleValue,
            fullValidLoss: data["full_valid_loss"]?.doubleValue,
            fullValidMeanTokenAccuracy: data["full_valid_mean_token_accuracy"]?.doubleValue)
    }

    /// Parses `Step N/T: training loss=X[, validation loss=Y][, full validation loss=Z]`.
    public static func stepFromMessage(_ message: String, jobID: String) -> LossStep? {
        guard message.hasPrefix("Step ") else { return nil }
        let body = message.dropFirst("Step ".count)
        guard let colon = body.firstIndex(of: ":") else { return nil }
        let counts = body[..<colon].split(separator: "/", omittingEmptySubsequences: false)
        guard counts.count == 2, let step = Int(counts[0]), let total = Int(counts[1]), step >= 0
        else { return nil }

        var values: [String: Double] = [:]
        for part in body[body.index(after: colon)...].split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            let name = pair[0].trimmingCharacters(in: .whitespaces)
            let text = pair[1].trimmingCharacters(in: .whitespaces)
            guard let value = Double(text), value.isFinite else { continue }
            values[name] = value
        }
        guard let trainLoss = values["training loss"] else { return nil }
        return LossStep(
            jobID: jobID, step: step, totalSteps: total, trainLoss: trainLoss,
            validLoss: values["validation loss"], fullValidLoss: values["full validation loss"])
    }
}
