import FTDModel

/// The loss curve drawn with characters: train loss as `•`, validation loss as `o`, the
/// loss axis labelled with its maximum and minimum, the step axis with its first and last
/// step. Too narrow for a chart, it falls back to a one-line sparkline.
enum LossChart {
    static let height = 8
    static let minPlotWidth = 30
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Lines of at most `width` characters; empty when no step has a train loss.
    /// One pass per series and plain loops: a job can have 100,000 steps.
    static func render(_ steps: [LossStep], width: Int) -> [String] {
        var train: [(step: Int, loss: Double)] = []
        var valid: [(step: Int, loss: Double)] = []
        train.reserveCapacity(steps.count)
        var low = Double.infinity
        var high = -Double.infinity
        var first = Int.max
        var last = Int.min
        var ascending = true
        for (index, step) in steps.enumerated() {
            if let loss = step.trainLoss {
                train.append((step.step, loss))
                if loss.isFinite { (low, high) = (min(low, loss), max(high, loss)) }
            }
            if let loss = step.validLoss {
                valid.append((step.step, loss))
                if loss.isFinite { (low, high) = (min(low, loss), max(high, loss)) }
            }
            (first, last) = (min(first, step.step), max(last, step.step))
            if index > 0, steps[index - 1].step >= step.step { ascending = false }
        }
        guard !train.isEmpty, low <= high else { return [] }

        let top = TerminalText.loss(high)
        let bottom = TerminalText.loss(low)
        let labelWidth = max(top.count, bottom.count)
        let available = width - labelWidth - 4
        guard available >= minPlotWidth else { return [sparkline(train.map { $0.loss }, width: width)] }
        // A short run spread over the whole width would be dots with gaps between them.
        let distinct = ascending ? steps.count : Set(steps.map { $0.step }).count
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
        for (step, loss) in train {
            let x = column(step)
            sums[x] += loss
            counts[x] += 1
        }
        for x in 0..<plotWidth where counts[x] > 0 {
            let mean = sums[x] / Double(counts[x])
            if mean.isFinite { grid[row(mean)][x] = "•" }
        }
        for (step, loss) in valid where loss.isFinite {
            grid[row(loss)][column(step)] = "o"
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
