import FTDModel

/// The loss curve drawn with characters: train loss as `•`, validation loss as `o`, the
/// loss axis labelled with its maximum and minimum, the step axis with its first and last
/// step. Too narrow for a chart, it falls back to a one-line sparkline.
enum LossChart {
    static let height = 8
    static let minPlotWidth = 30
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Lines of at most `width` characters; empty when no step has a train loss.
    static func render(_ steps: [LossStep], width: Int) -> [String] { render(LossCurve(steps), width: width) }

    /// One pass per series and plain loops: a job can have 100,000 steps.
    static func render(_ curve: LossCurve, width: Int) -> [String] {
        let train = curve.train
        let valid = curve.valid
        var low = Double.infinity
        var high = -Double.infinity
        for point in train where point.loss.isFinite {
            (low, high) = (min(low, point.loss), max(high, point.loss))
        }
        for point in valid where point.loss.isFinite {
            (low, high) = (min(low, point.loss), max(high, point.loss))
        }
        let (first, last) = (curve.firstStep, curve.lastStep)
        guard !train.isEmpty, low <= high else { return [] }

        let top = TerminalText.loss(high)
        let bottom = TerminalText.loss(low)
        let labelWidth = max(top.count, bottom.count)
        let available = width - labelWidth - 4
        guard available >= minPlotWidth else { return [sparkline(train.map(\.loss), width: width)] }
        // A short run spread over the whole width would be dots with gaps between them.
        let distinct = curve.ascending ? curve.count : curve.distinctSteps
        let plotWidth = min(available, max(minPlotWidth, distinct))

        var grid = Array(repeating: Array(repeating: Character(" "), count: plotWidth), count: height)
        // In Double: steps come from the API, and one of 2^63 − 1 beside step 5 overflows
        // any integer product.
        func column(_ step: Int) -> Int {
            guard last != first else { return 0 }
            let fraction = (Double(step) - Double(first)) / (Double(last) - Double(first))
            return min(max(Int((fraction * Double(plotWidth - 1)).rounded(.down)), 0), plotWidth - 1)
        }
        func row(_ loss: Double) -> Int {
            guard high > low else { return height - 1 }
            return Int(((high - loss) / (high - low) * Double(height - 1)).rounded())
        }
        var sums = Array(repeating: 0.0, count: plotWidth)
        var counts = Array(repeating: 0, count: plotWidth)
        for point in train {
            let x = column(point.step)
            sums[x] += point.loss
            counts[x] += 1
        }
        for x in 0..<plotWidth where counts[x] > 0 {
            let mean = sums[x] / Double(counts[x])
            if mean.isFinite { grid[row(mean)][x] = "•" }
        }
        for point in valid where point.loss.isFinite {
            grid[row(point.loss)][column(point.step)] = "o"
        }

        var lines: [String] = []
        for (index, cells) in grid.enumerated() {
            let label = index == 0 ? top : index == height - 1 ? bottom : ""
            let tick = index == 0 || index == height - 1 ? "┤" : "│"
            var line = "  " + TerminalText.padLeft(label, labelWidth) + tick + String(cells)
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        lines.append(
            "  " + String(repeating: " ", count: labelWidth) + "└"
                + String(repeating: "─", count: plotWidth))
        let firstLabel = "step \(first)"
        let lastLabel = String(last)
        let axis = String(repeating: " ", count: labelWidth + 3) + firstLabel
        lines.append(
            axis + TerminalText.padLeft(lastLabel, max(plotWidth - firstLabel.count, lastLabel.count + 1))
        )
        lines.append(
            "  " + String(repeating: " ", count: labelWidth + 1) + "• train loss"
                + (valid.isEmpty ? "" : "  o validation loss"))
        return lines
    }

    /// `  1.52 ▇▆▅▃▂▁ 0.0012`: the first and last train loss around the curve's shape.
    static func sparkline(_ losses: [Double], width: Int) -> String {
        let values = losses.filter(\.isFinite)
        guard let first = values.first, let last = values.last,
            let low = values.min(), let high = values.max()
        else { return "" }
        let start = "  " + TerminalText.loss(first) + " "
        let end = " " + TerminalText.loss(last)
        let room = max(width - start.count - end.count, 1)
        let count = min(values.count, room)
        var bars = ""
        for bucket in 0..<count {
            let lower = bucket * values.count / count
            let upper = max((bucket + 1) * values.count / count, lower + 1)
            let mean = values[lower..<upper].reduce(0, +) / Double(upper - lower)
            let level = high > low ? Int((mean - low) / (high - low) * Double(levels.count - 1)) : 0
            bars.append(levels[min(max(level, 0), levels.count - 1)])
        }
        return TerminalText.elideEnd(start + bars + end, width)
    }
}
