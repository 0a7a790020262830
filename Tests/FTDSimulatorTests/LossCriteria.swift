import Foundation

@testable import FTDSimulator

/// The loss criteria of the alerts (SPEC §10), computed here on the simulator's numbers so
/// that its tests stand apart from ftd's own judge: "smoothed" is an exponential moving
/// average with weight 0.9 on the previous value.
enum LossCriteria {
    static let weight = 0.9

    /// One training step as a client reads it: the train loss (NaN for the API's `nan`) and
    /// the validation loss when that step validated.
    struct Step: Sendable, Equatable {
        let step: Int
        let train: Double
        let valid: Double?

        static func == (lhs: Step, rhs: Step) -> Bool {
            lhs.step == rhs.step && lhs.train.bitPattern == rhs.train.bitPattern && lhs.valid == rhs.valid
        }
    }

    static func smoothed(_ values: [Double]) -> [Double] {
        var result: [Double] = []
        for value in values {
            result.append(result.last.map { weight * $0 + (1 - weight) * value } ?? value)
        }
        return result
    }

    /// The first step at which `loss_diverged` fires: a train loss that is not finite, or,
    /// from the 10th step on, the smoothed train loss above `ratio` × its minimum so far.
    static func divergence(_ steps: [Step], ratio: Double = 2) -> Int? {
        var average: Double?
        var lowest = Double.infinity
        for (index, step) in steps.enumerated() {
            guard step.train.isFinite else { return step.step }
            let value = average.map { weight * $0 + (1 - weight) * step.train } ?? step.train
            average = value
            lowest = min(lowest, value)
            if index + 1 >= 10, value > ratio * lowest { return step.step }
        }
        return nil
    }

    /// Where `overfitting` fires: at `step`, the smoothed validation loss having been lowest
    /// at `lowestStep`.
    struct Overfit: Sendable, Equatable {
        let step: Int
        let lowestStep: Int
    }

    /// The lenient reading of `overfitting`: the smoothed validation loss (over the steps
    /// that validated) has been above its minimum `patience` readings in a row, and the
    /// smoothed train loss is below its value at that minimum's step. What a healthy job
    /// must never show.
    static func overfitting(_ steps: [Step], patience: Int = 3) -> Overfit? {
        let finite = steps.filter(\.train.isFinite)
        let train = Dictionary(
            uniqueKeysWithValues: zip(finite.map(\.step), smoothed(finite.map(\.train))))
        let readings = finite.filter { $0.valid != nil }
        let valid = smoothed(readings.compactMap(\.valid))
        var lowest = Double.infinity
        var lowestStep = 0
        var above = 0
        for (reading, value) in zip(readings, valid) {
            if value < lowest {
                (lowest, lowestStep, above) = (value, reading.step, 0)
                continue
            }
            above += 1
            if above >= patience, let now = train[reading.step], let then = train[lowestStep], now < then {
                return Overfit(step: reading.step, lowestStep: lowestStep)
            }
        }
        return nil
    }

    /// The strict reading: after its minimum, the smoothed validation loss rose `patience`
    /// readings in a row, each above the one before, while the train loss fell at each of
    /// those steps. What the `overfitting` scenario must show, so that any judge between
    /// the two readings fires on it.
    static func strictOverfitting(_ steps: [Step], patience: Int = 3) -> Overfit? {
        let readings = steps.filter { $0.valid != nil && $0.train.isFinite }
        let valid = smoothed(readings.compactMap(\.valid))
        let trainByStep = Dictionary(uniqueKeysWithValues: steps.map { ($0.step, $0.train) })
        var lowest = Double.infinity
        var lowestStep = 0
        var rises = 0
        for index in readings.indices {
            let value = valid[index]
            if value < lowest {
                (lowest, lowestStep, rises) = (value, readings[index].step, 0)
                continue
            }
            let step = readings[index].step
            let trainFell = trainByStep[step - 1].map { readings[index].train < $0 } ?? false
            rises = index > 0 && value > valid[index - 1] && trainFell ? rises + 1 : 0
            if rises >= patience { return Overfit(step: step, lowestStep: lowestStep) }
        }
        return nil
    }

    /// The steps a job trains, as its loss curve draws them.
    static func steps(of timeline: JobTimeline) -> [Step] {
        guard timeline.plannedSteps > 0 else { return [] }
        let curve = timeline.lossCurve
        return (1...timeline.plannedSteps).map {
            let metrics = curve.metrics(step: $0)
            return Step(step: $0, train: metrics.trainLoss, valid: metrics.validLoss)
        }
    }

    /// The steps that events show, oldest first: `metrics` events' data, or the text of a
    /// `Step N/T: training loss=X` message without data.
    static func steps(ofEvents events: [SimJSON]) -> [Step] {
        events.compactMap { event -> Step? in
            if let data = event["data"], let step = data["step"]?.intValue,
                let train = data["train_loss"]?.doubleValue
            {
                return Step(step: Int(step), train: train, valid: data["valid_loss"]?.doubleValue)
            }
            guard let message = event["message"]?.stringValue, message.hasPrefix("Step "),
                let slash = message.firstIndex(of: "/"),
                let step = Int(message[message.index(message.startIndex, offsetBy: 5)..<slash]),
                let equals = message.range(of: "training loss=")
            else { return nil }
            let text = message[equals.upperBound...].prefix { $0 != "," }
            return Step(step: step, train: Double(text) ?? .nan, valid: nil)
        }
    }
}
