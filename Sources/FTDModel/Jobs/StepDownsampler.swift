/// Fewer steps for a chart, keeping its shape: the first and the last step, and in each
/// of a number of equal runs of steps the lowest and the highest value of every series,
/// so that a spike survives however long the job was (`?max_points=N`, SPEC section 9).
public enum StepDownsampler {
    /// At most `maxPoints` steps (at least 2 unless fewer exist), in ascending order.
    public static func downsample(_ steps: [LossStep], maxPoints: Int) -> [LossStep] {
        let limit = max(2, maxPoints)
        guard steps.count > limit else { return steps }
        // Each series as one column of numbers, NaN where a step has none: read once,
        // then scanned per run (a key path applied per step and series cost most of a
        // 100,000-step job's answer).
        let count = steps.count
        var columns = [[Double]](repeating: [Double](repeating: .nan, count: count), count: 6)
        for (index, step) in steps.enumerated() {
            columns[0][index] = step.trainLoss ?? .nan
            columns[1][index] = step.validLoss ?? .nan
            columns[2][index] = step.fullValidLoss ?? .nan
            columns[3][index] = step.trainMeanTokenAccuracy ?? .nan
            columns[4][index] = step.validMeanTokenAccuracy ?? .nan
            columns[5][index] = step.fullValidMeanTokenAccuracy ?? .nan
        }
        // Each run keeps at most two points per series; fewer runs when more series are
        // present, so the total never exceeds the limit.
        let present = columns.filter { column in column.contains { $0.isFinite } }
        let perRun = max(1, 2 * present.count)
        let runs = max(1, (limit - 2) / perRun)
        // In the order of their worth: the ends, then each series' low and high points,
        // the train loss first.
        var kept = [0, count - 1]
        var seen = Set(kept)
        let inner = 1..<(count - 1)
        for run in 0..<runs {
            let lower = inner.lowerBound + inner.count * run / runs
            let upper = inner.lowerBound + inner.count * (run + 1) / runs
            guard lower < upper else { continue }
            for column in present {
                column.withUnsafeBufferPointer { values in
                    var lowest = -1
                    var highest = -1
                    for index in lower..<upper {
                        let point = values[index]
                        guard point.isFinite else { continue }
                        if lowest < 0 || point < values[lowest] { lowest = index }
                        if highest < 0 || point > values[highest] { highest = index }
                    }
                    for index in [lowest, highest] where index >= 0 && seen.insert(index).inserted {
                        kept.append(index)
                    }
                }
            }
        }
        // Too many series for the room leaves one run over the whole job: its points are
        // then each series' lowest and highest of all, and the later series give way.
        return kept.prefix(limit).sorted().map { steps[$0] }
    }
}
