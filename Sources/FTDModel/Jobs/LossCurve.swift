/// What a loss chart draws of a job's steps, without the rest of each step: `ftd history
/// JOB` reads a job of 100,000 steps, and holding each as a `LossStep` (eight optional
/// numbers and the job id) cost more than drawing them.
public struct LossCurve: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var step: Int
        public var loss: Double
    }

    /// Steps with a train loss, in the order appended.
    public private(set) var train: [Point] = []
    /// Steps with a validation loss, in the order appended.
    public private(set) var valid: [Point] = []
    /// Steps appended.
    public private(set) var count = 0
    /// The smallest and the largest step number appended.
    public private(set) var firstStep = Int.max
    public private(set) var lastStep = Int.min
    /// The step appended last, and its total steps.
    public private(set) var final: (step: Int, totalSteps: Int?)?
    /// Whether every step was larger than the one before.
    public private(set) var ascending = true
    /// Distinct step numbers. Counted as steps change, which is right for steps appended
    /// in order (a query's `ORDER BY step`); `init(_:)` counts them whatever the order.
    public private(set) var distinctSteps = 0

    public init() {}

    /// The curve of `steps`, in any order.
    public init(_ steps: [LossStep]) {
        train.reserveCapacity(steps.count)
        for step in steps {
            append(
                step: step.step, totalSteps: step.totalSteps, trainLoss: step.trainLoss,
                validLoss: step.validLoss)
        }
        if !ascending { distinctSteps = Set(steps.map(\.step)).count }
    }

    public mutating func reserveCapacity(_ steps: Int) { train.reserveCapacity(steps) }

    public mutating func append(step: Int, totalSteps: Int?, trainLoss: Double?, validLoss: Double?) {
        if let trainLoss { train.append(Point(step: step, loss: trainLoss)) }
        if let validLoss { valid.append(Point(step: step, loss: validLoss)) }
        if let previous = final?.step {
            if previous >= step { ascending = false }
            if previous != step { distinctSteps += 1 }
        } else {
            distinctSteps = 1
        }
        (firstStep, lastStep) = (min(firstStep, step), max(lastStep, step))
        final = (step, totalSteps)
        count += 1
    }

    public static func == (a: LossCurve, b: LossCurve) -> Bool {
        a.train == b.train && a.valid == b.valid && a.count == b.count && a.firstStep == b.firstStep
            && a.lastStep == b.lastStep && a.final?.step == b.final?.step
            && a.final?.totalSteps == b.final?.totalSteps && a.ascending == b.ascending
            && a.distinctSteps == b.distinctSteps
    }
}
