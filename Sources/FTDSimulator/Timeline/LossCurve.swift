import Foundation

/// The metrics of one training step.
struct StepMetrics: Sendable, Equatable {
    let step: Int
    let trainLoss: Double
    let trainAccuracy: Double
    let validLoss: Double?
    let validAccuracy: Double?
    let fullValidLoss: Double?
    let fullValidAccuracy: Double?
}

/// A plausible falling loss: about 1.5 at the first step to about 0.05 at the last, with
/// deterministic noise so that the same job always draws the same curve.
struct LossCurve: Sendable {
    let seed: UInt64
    let totalSteps: Int
    let stepsPerEpoch: Int
    let hasValidation: Bool

    /// Validation runs every 10 steps and at the last step, as when a validation file is given.
    func isValidationStep(_ step: Int) -> Bool {
        hasValidation && (step % 10 == 0 || step == totalSteps)
    }

    func metrics(step: Int) -> StepMetrics {
        var generator = SeededGenerator.derived(from: seed, purpose: 500_000 + UInt64(step))
        let progress = totalSteps > 1 ? Double(step - 1) / Double(totalSteps - 1) : 1
        let trend = 0.04 + 1.46 * exp(-4.5 * progress)
        let trainLoss = trend * (1 + 0.3 * (generator.nextUnit() - 0.5))
        let trainAccuracy = Self.accuracy(progress: progress, noise: generator.nextUnit())
        guard isValidationStep(step) else {
            return StepMetrics(
                step: step, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
                validLoss: nil, validAccuracy: nil, fullValidLoss: nil, fullValidAccuracy: nil
            )
        }
        // A quarter above the trend, ±2%: close enough to it that the smoothed validation
        // loss of a healthy run never turns up (the `overfitting` alert stays quiet).
        let validLoss = trend * (1.25 + 0.04 * (generator.nextUnit() - 0.5))
        let validAccuracy = Self.accuracy(progress: progress * 0.95, noise: generator.nextUnit())
        let isEpochEnd = stepsPerEpoch > 0 && step % stepsPerEpoch == 0
        return StepMetrics(
            step: step, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
            validLoss: validLoss, validAccuracy: validAccuracy,
            fullValidLoss: isEpochEnd ? trend * 1.2 : nil,
            fullValidAccuracy: isEpochEnd ? Self.accuracy(progress: progress * 0.9, noise: 0.5) : nil
        )
    }

    private static func accuracy(progress: Double, noise: Double) -> Double {
        let value = 0.55 + 0.45 * (1 - exp(-5 * progress)) + 0.06 * (noise - 0.5)
        return min(1, max(0, value))
    }
}
