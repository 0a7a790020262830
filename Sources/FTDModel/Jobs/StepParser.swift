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
            trainLoss: number(data["train_loss"]),
            trainMeanTokenAccuracy: number(data["train_mean_token_accuracy"]),
            validLoss: number(data["valid_loss"]),
            validMeanTokenAccuracy: number(data["valid_mean_token_accuracy"]),
            fullValidLoss: number(data["full_valid_loss"]),
            fullValidMeanTokenAccuracy: number(data["full_valid_mean_token_accuracy"]))
    }

    /// A number, or the text a Python server writes for a non-finite one (`"NaN"`,
    /// `"nan"`, `"Infinity"`, `"-inf"`): strict JSON has no literal for it.
    static func number(_ value: JSONValue?) -> Double? {
        if let number = value?.doubleValue { return number }
        guard case .string(let text)? = value else { return nil }
        return nonFinite(text)
    }

    /// `nan`, `inf`, `-inf`, `infinity` in any case, and nothing else.
    static func nonFinite(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
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
            // A loss that blew up reads `training loss=nan`: kept as such (SPEC section 10).
            guard let value = Double(text).flatMap({ $0.isFinite ? $0 : nil }) ?? nonFinite(text) else {
                continue
            }
            values[name] = value
        }
        guard let trainLoss = values["training loss"] else { return nil }
        return LossStep(
            jobID: jobID, step: step, totalSteps: total, trainLoss: trainLoss,
            validLoss: values["validation loss"], fullValidLoss: values["full validation loss"])
    }
}
