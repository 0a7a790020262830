/// The loss rules' running state over a job's steps in ascending order (SPEC section 10):
/// both rules are folds over the curve, so a judge that kept where it stopped reads only
/// the steps that came since, and a cycle's judging costs what it brings, not what the
/// job has done so far (issue 17). `AlertJudge.judgement` takes and returns it.
public struct LossScans: Sendable, Equatable, Codable {
    /// The last step taken: what follows must lie above it.
    public var lastStep: Int?
    public var diverged = DivergenceScan()
    public var overfitting = OverfitScan()
    /// What the steps were judged with: other thresholds, or another first judged step,
    /// would have judged them differently, so the scan starts again.
    public var judgedFromStep: Int?
    public var divergeRatio: Double
    public var overfitPatience: Int
    /// The rules' version: a release that changes how they smooth or what they compare
    /// raises `AlertJudge.rulesVersion`, and scans of older rules start again.
    public var rules = AlertJudge.rulesVersion

    public init(judgedFromStep: Int?, thresholds: AlertThresholds) {
        self.judgedFromStep = judgedFromStep
        self.divergeRatio = thresholds.divergeRatio
        self.overfitPatience = thresholds.overfitPatience
    }

    /// The most any count of the scans reaches: it counts steps. Saved scans come from the
    /// database, where a hand or a fault can put any number, and a count at the top of
    /// Int traps on its next step (the daemon, restarted, would read the row and trap again).
    static let countLimit = Int(UInt32.max)

    /// Whether these scans can go on with steps above `lastStep` for this job and these
    /// thresholds: also not when a count is one no curve reaches.
    public func continues(judgedFromStep: Int?, thresholds: AlertThresholds) -> Bool {
        rules == AlertJudge.rulesVersion && self.judgedFromStep == judgedFromStep
            && divergeRatio == thresholds.divergeRatio
            && overfitPatience == thresholds.overfitPatience
            && [diverged.counted, overfitting.readings, overfitting.noiseCount, overfitting.rises].allSatisfy
            {
                (0...Self.countLimit).contains($0)
            }
    }
}

/// `loss_diverged`'s state: the smoothed train loss, its minimum, and how many finite
/// train losses it has counted (`AlertJudge.divergedDetail`).
public struct DivergenceScan: Sendable, Equatable, Codable {
    var smoothed: Double?
    var minimum: Double?
    var minimumStep: Int?
    var counted = 0

    public init() {}
}

/// `overfitting`'s state (`AlertJudge.overfittingDetail`).
public struct OverfitScan: Sendable, Equatable, Codable {
    var train: Double?
    var smoothed: Double?
    var readings = 0
    var older: Double?
    var last: Double?
    var previous: Double?
    var noiseSum = 0.0
    var noiseCount = 0
    var lowest: Double?
    var lowestStep: Int?
    var minimum: Double?
    var minimumTrain: Double?
    var rises = 0

    public init() {}
}

extension DivergenceScan {
    /// Takes the next step; the finding's detail when `loss_diverged` holds at it.
    mutating func take(_ step: AlertStep, judgedFromStep: Int?, ratio: Double, weight: Double) -> String? {
        guard let loss = step.trainLoss else { return nil }
        let judged = judgedFromStep.map { step.step > $0 } ?? true
        guard loss.isFinite else {
            return judged ? "train loss is \(AlertJudge.nonFiniteName(loss)) at step \(step.step)" : nil
        }
        counted += 1
        let value = smoothed.map { weight * $0 + (1 - weight) * loss } ?? loss
        smoothed = value
        if minimum.map({ value < $0 }) ?? true {
            minimum = value
            minimumStep = step.step
        }
        guard judged, counted >= AlertJudge.warmUpReadings, let minimum, let minimumStep, minimum > 0,
            value > ratio * minimum
        else { return nil }
        return "smoothed train loss \(AlertJudge.number(value)) at step \(step.step) is "
            + "\(AlertJudge.multiple(value / minimum))× its minimum \(AlertJudge.number(minimum)) "
            + "(step \(minimumStep))"
    }
}

extension OverfitScan {
    /// Takes the next step; the finding's detail when `overfitting` holds at it.
    mutating func take(
        _ step: AlertStep, judgedFromStep: Int?, patience: Int, checkpoints: [CheckpointMark],
        marginFloor: Double, noiseFactor: Double
    ) -> String? {
        let weight = AlertJudge.smoothingWeight
        if let loss = step.trainLoss, loss.isFinite {
            train = train.map { weight * $0 + (1 - weight) * loss } ?? loss
        }
        guard let reading = step.validLoss, reading.isFinite, reading > 0 else { return nil }
        readings += 1
        if let older, let last {
            noiseSum += abs(last - (older + reading) / 2) / last
            noiseCount += 1
        }
        if let previous {
            older = previous
            last = reading
        }
        previous = reading
        if lowest.map({ reading < $0 }) ?? true {
            lowest = reading
            lowestStep = step.step
        }
        let before = smoothed
        let readingWeight = min(weight, 1 - 1 / Double(readings))
        let value = before.map { readingWeight * $0 + (1 - readingWeight) * reading } ?? reading
        smoothed = value
        rises = before.map { value > $0 } == true ? rises + 1 : 0
        guard readings >= AlertJudge.warmUpReadings else { return nil }
        guard let currentMinimum = minimum, value >= currentMinimum else {
            minimum = value
            minimumTrain = train
            rises = 0
            return nil
        }
        let noise = noiseCount > 0 ? noiseSum / Double(noiseCount) : 0
        guard rises >= patience, judgedFromStep.map({ step.step > $0 }) ?? true,
            value > currentMinimum * (1 + max(marginFloor, noiseFactor * noise)),
            let trainNow = train, let trainThen = minimumTrain, trainNow < trainThen,
            let lowest, let lowestStep
        else { return nil }
        return "validation loss rose \(rises) times in a row above its minimum \(AlertJudge.number(lowest)) "
            + "at step \(lowestStep) (smoothed \(AlertJudge.number(value)) at step \(step.step)) "
            + "while train loss fell; nearest checkpoint: "
            + AlertJudge.nearestCheckpoint(to: lowestStep, in: checkpoints)
    }
}
