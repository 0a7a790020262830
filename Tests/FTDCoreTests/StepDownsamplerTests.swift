import Testing

@testable import FTDModel

/// `StepDownsampler`'s promises, on many random jobs: at most N steps, the first and the
/// last, ascending without repeats, and the lowest and highest train loss.
struct StepDownsamplerTests {
    /// A small deterministic generator: the same jobs on every run.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        /// Mostly ordinary numbers, sometimes nothing, NaN or an infinity.
        mutating func value() -> Double? {
            switch below(40) {
            case 0: return nil
            case 1: return .nan
            case 2: return .infinity
            case 3: return -.infinity
            default: return Double(below(1_000_000)) / 1000
            }
        }
    }

    static func job(_ generator: inout Generator, count: Int, series: Int) -> [LossStep] {
        (0..<count).map { index in
            var step = LossStep(jobID: "ftjob-x", step: 1 + index * 3, trainLoss: generator.value())
            if series > 1 { step.validLoss = generator.value() }
            if series > 2 { step.fullValidLoss = generator.value() }
            if series > 3 { step.trainMeanTokenAccuracy = generator.value() }
            if series > 4 { step.validMeanTokenAccuracy = generator.value() }
            if series > 5 { step.fullValidMeanTokenAccuracy = generator.value() }
            return step
        }
    }

    @Test func itsPromisesHoldOnRandomJobs() {
        var generator = Generator(state: 42)
        for _ in 0..<3_000 {
            let count = 1 + generator.below(400)
            let series = 1 + generator.below(6)
            let maxPoints = 2 + generator.below(60)
            let steps = Self.job(&generator, count: count, series: series)
            let kept = StepDownsampler.downsample(steps, maxPoints: maxPoints)
            // NaN is not equal to itself: steps compare by their number.
            let context = "count \(count), series \(series), max_points \(maxPoints)"

            #expect(kept.count <= maxPoints, "\(context)")
            #expect(kept.count == min(count, maxPoints) || count > maxPoints, "\(context)")
            #expect(kept.first?.step == steps.first?.step, "\(context)")
            #expect(kept.last?.step == steps.last?.step, "\(context)")
            #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.step < $1.step }, "\(context)")
            // The train loss's spike and its low point, once there is room beside the ends.
            let finite = steps.filter { $0.trainLoss?.isFinite == true }
            guard maxPoints >= 4, let lowest = finite.map({ $0.trainLoss! }).min(),
                let highest = finite.map({ $0.trainLoss! }).max()
            else { continue }
            #expect(kept.contains { $0.trainLoss == lowest }, "lowest: \(context)")
            #expect(kept.contains { $0.trainLoss == highest }, "highest: \(context)")
        }
    }

    /// Six series and room for ten: the late spike of the train loss is still there.
    @Test func theTrainLossSpikeSurvivesWhenManySeriesShareLittleRoom() {
        let steps = (1...1_000).map { step in
            LossStep(
                jobID: "ftjob-x", step: step, trainLoss: step == 900 ? 9 : 1,
                trainMeanTokenAccuracy: Double(step % 7), validLoss: Double(step % 11),
                validMeanTokenAccuracy: Double(step % 13), fullValidLoss: Double(step % 17),
                fullValidMeanTokenAccuracy: Double(step % 19))
        }
        let kept = StepDownsampler.downsample(steps, maxPoints: 10)
        #expect(kept.count <= 10)
        #expect(kept.contains { $0.step == 900 })
        #expect(kept.first?.step == 1 && kept.last?.step == 1_000)
    }
}
