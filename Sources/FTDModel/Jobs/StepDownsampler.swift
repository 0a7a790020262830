/// Fewer steps for a chart, keeping its shape: the first and the last step, and in each
/// of a number of equal runs of steps the lowest and the highest value of every series,
/// so that a spike survives however long the job was (`?max_points=N`, SPEC section 9).
public enum StepDownsampler {
    /// At most `maxPoints` steps (at least 2 unless fewer exist), in ascending order.
    public static func downsample(_ steps: [LossStep], maxPoints: Int) -> [LossStep] {
        let limit = max(2, maxPoints)
        guard steps.count > limit else { return steps }
        let series: [(LossStep) -> Double?] = [
            \.trainLoss, \.validLoss, \.fullValidLoss, \.trainMeanTokenAccuracy, \.validMeanTokenAccuracy,
            \.fullValidMeanTokenAccuracy,
        ]
        // Each run keeps at most two points per series; fewer runs when more series are
        // present, so the total never exceeds the limit.
        let present = series.filter { value in steps.contains { value($0)?.isFinite == true } }
        let perRun = max(1, 2 * present.count)
        let runs = max(1, (limit - 2) / perRun)
        // In the order of their worth: the ends, then each series' low and high points,
        // the train loss first.
        var kept = [0, steps.count - 1]
        var seen = Set(kept)
        let inner = 1..<(steps.count - 1)
        for run in 0..<runs {
            let lower = inner.lowerBound + inner.count * run / runs
            let upper = inner.lowerBound + inner.count * (run + 1) / runs
            guard lower < upper else { continue }
            for value in present {
                var lowest: (index: Int, value: Double)?
                var highest: (index: Int, value: Double)?
                for index in lower..<upper {
                    guard let point = value(steps[index]), point.isFinite else { continue }
                    if lowest.map({ point < $0.value }) ?? true { lowest = (index, point) }
                    if highest.map({ point > $0.value }) ?? true { highest = (index, point) }
                }
                for index in [lowest?.index, highest?.index].compactMap(\.self)
                where seen.insert(index).inserted {
                    kept.append(index)
                }
            }
        }
        // Too many series for the room leaves one run over the whole job: its points are
        // then each series' lowest and highest of all, and the later series give way.
        return kept.prefix(limit).sorted().map { steps[$0] }
    }
}
