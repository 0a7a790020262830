import Foundation

/// The metrics of one training step.
struct StepMetrics: Sendable, Equatable {
    let step: Int
    /// NaN at a diverging job's `nanAt` step.
    let trainLoss: Double
    let trainAccuracy: Double
    let validLoss: Double?
    let validAccuracy: Double?
    let fullValidLoss: Double?
    let fullValidAccuracy: Double?

    /// The API wrote steps as `message` events without `data` before it had `metrics`
    /// events; a NaN loss is shown that way (JSON has no NaN).
    var isLegacyMessage: Bool { !trainLoss.isFinite }
}

/// A job's losses, with deterministic noise so that the same job always draws the same
/// curve. `.falling`: about 1.5 at the first step to about 0.05 at the last; the other
/// shapes (`LossShape`) show what the alerts of SPEC §10 look for.
struct LossCurve: Sendable {
    let seed: UInt64
    let totalSteps: Int
    let stepsPerEpoch: Int
    let hasValidation: Bool
    var shape: LossShape = .falling

    /// Validation runs every 10 steps and at the last step, as when a validation file is
    /// given; the `overfitting` shape validates every step, so that the rise shows early.
    func isValidationStep(_ step: Int) -> Bool {
        guard hasValidation else { return false }
        if shape == .overfitting { return true }
        return step % 10 == 0 || step == totalSteps
    }

    func metrics(step: Int) -> StepMetrics {
        switch shape {
        case .falling: return falling(step: step)
        case .diverging(let risesAfter, let nanAt):
            return diverging(step: step, risesAfter: risesAfter, nanAt: nanAt)
        case .overfitting: return overfitting(step: step)
        }
    }

    private func progress(_ step: Int) -> Double {
        totalSteps > 1 ? Double(step - 1) / Double(totalSteps - 1) : 1
    }

    private func isEpochEnd(_ step: Int) -> Bool {
        stepsPerEpoch > 0 && step % stepsPerEpoch == 0
    }

    private func falling(step: Int) -> StepMetrics {
        var generator = SeededGenerator.derived(from: seed, purpose: 500_000 + UInt64(step))
        let progress = progress(step)
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
        let isEpochEnd = isEpochEnd(step)
        return StepMetrics(
            step: step, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
            validLoss: validLoss, validAccuracy: validAccuracy,
            fullValidLoss: isEpochEnd ? trend * 1.2 : nil,
            fullValidAccuracy: isEpochEnd ? Self.accuracy(progress: progress * 0.9, noise: 0.5) : nil
        )
    }

    /// Falls from about 1.5 to about 0.36 at `risesAfter`, then rises by 15% of that low per
    /// step (±5% noise): for 100 steps turning at 20, the moving average (0.9 on the previous
    /// value) is lowest near step 24 and passes twice that near step 44, three times near 56.
    private func diverging(step: Int, risesAfter: Int, nanAt: Int?) -> StepMetrics {
        var generator = SeededGenerator.derived(from: seed, purpose: 500_000 + UInt64(step))
        let turn = max(2, risesAfter)
        let low = 0.3 + 1.2 * exp(-3.0)
        let trend =
            step <= turn
            ? 0.3 + 1.2 * exp(-3 * Double(step - 1) / Double(turn - 1))
            : low * (1 + 0.15 * Double(step - turn))
        let trainLoss = step == nanAt ? Double.nan : trend * (1 + 0.1 * (generator.nextUnit() - 0.5))
        let trainAccuracy = Self.accuracy(loss: trend, noise: generator.nextUnit())
        guard isValidationStep(step) else {
            return StepMetrics(
                step: step, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
                validLoss: nil, validAccuracy: nil, fullValidLoss: nil, fullValidAccuracy: nil
            )
        }
        let validLoss = trend * (1.1 + 0.3 * generator.nextUnit())
        let isEpochEnd = isEpochEnd(step)
        return StepMetrics(
            step: step, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
            validLoss: validLoss, validAccuracy: Self.accuracy(loss: validLoss, noise: generator.nextUnit()),
            fullValidLoss: isEpochEnd ? trend * 1.2 : nil,
            fullValidAccuracy: isEpochEnd ? Self.accuracy(loss: trend * 1.2, noise: 0.5) : nil
        )
    }

    /// The step at which an `overfitting` job's validation loss is lowest: 40% of the steps.
    var overfittingLowStep: Int { max(1, Int((Double(totalSteps) * 0.4).rounded())) }

    /// The train loss falls by 3% a step (1.6 to 0.08 over the run, ±0.5% noise, so every
    /// step is below the one before); the validation loss falls from 1.6 to 0.55 at 40% of
    /// the steps, then rises in a straight line to 0.99 (80% above) at the last (±2%). For
    /// 100 steps its moving average (0.9 on the previous value) is lowest near step 50 and
    /// has risen three readings in a row by about step 53.
    private func overfitting(step: Int) -> StepMetrics {
        var generator = SeededGenerator.derived(from: seed, purpose: 500_000 + UInt64(step))
        let trainTrend = 1.6 * exp(-3 * progress(step))
        let trainLoss = trainTrend * (1 + 0.01 * (generator.nextUnit() - 0.5))
        let trainAccuracy = Self.accuracy(loss: trainTrend, noise: generator.nextUnit())
        guard isValidationStep(step) else {
            return StepMetrics(
                step: step, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
                validLoss: nil, validAccuracy: nil, fullValidLoss: nil, fullValidAccuracy: nil
            )
        }
        let low = overfittingLowStep
        let (lowest, first) = (0.55, 1.6)
        let validTrend: Double
        if step <= low {
            let left = low > 1 ? Double(low - step) / Double(low - 1) : 0
            validTrend = lowest + (first - lowest) * left * left
        } else {
            validTrend = lowest * (1 + 0.8 * Double(step - low) / Double(max(1, totalSteps - low)))
        }
        let validLoss = validTrend * (1 + 0.04 * (generator.nextUnit() - 0.5))
        let isEpochEnd = isEpochEnd(step)
        return StepMetrics(
            step: step, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
            validLoss: validLoss, validAccuracy: Self.accuracy(loss: validTrend, noise: generator.nextUnit()),
            fullValidLoss: isEpochEnd ? validTrend : nil,
            fullValidAccuracy: isEpochEnd ? Self.accuracy(loss: validTrend, noise: 0.5) : nil
        )
    }

    private static func accuracy(progress: Double, noise: Double) -> Double {
        let value = 0.55 + 0.45 * (1 - exp(-5 * progress)) + 0.06 * (noise - 0.5)
        return min(1, max(0, value))
    }

    /// Token accuracy that follows a loss: about 0.5 at 1.5, 0.9 at 0.35, 0.3 when lost.
    private static func accuracy(loss: Double, noise: Double) -> Double {
        let value = 0.3 + 0.65 * exp(-max(0, loss - 0.3)) + 0.04 * (noise - 0.5)
        return min(1, max(0, value))
    }
}
