/// The loss curve drawn with characters: train loss as `•`, validation loss as `o`, the
/// loss axis labelled with its maximum and minimum, the step axis with its first and last
/// step. Too narrow for a chart, it falls back to a one-line sparkline.
enum LossChart {
    static let height = 8
    static let minPlotWidth = 30
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Lines of at most `width` characters; empty when no step has a train loss.
    static func render(_ steps: [LossStep], width: Int) -> [String] {
        let train = steps.compactMap { step in step.trainLoss.map { (step.step, $0) } }
        guard !train.isEmpty else { return [] }
        let valid = steps.compactMap { step in step.validLoss.map { (step.step, $0) } }
        let all = (train + valid).map(\.1).filter(\.isFinite)
        guard let low = all.min(), let high = all.max() else { return [] }

        let top = TerminalText.loss(high)
        let bottom = TerminalText.loss(low)
        let labelWidth = max(top.count, bottom.count)
        let available = width - labelWidth - 4
        guard available >= minPlotWidth else { return [sparkline(train.map(\.1), width: width)] }
        // A short run spread over the whole width would be dots with gaps between them.
        let plotWidth = min(available, max(minPlotWidth, Set(steps.map(\.step)).count))

        let first = steps.map(\.step).min() ?? 0
        let last = steps.map(\.step).max() ?? 0
        var grid = Array(repeating: Array(repeating: Character(" "), count: plotWidth), count: height)
        func column(_ step: Int) -> Int {
            last == first ? 0 : (step - first) * (plotWidth - 1) / (last - first)
        }
        func row(_ loss: Double) -> Int {
            guard high > low else { return height - 1 }
            return Int(((high - loss) / (high - low) * Double(height - 1)).rounded())
        }
        for (x, losses) in Dictionary(grouping: train, by: { column($0.0) }) {
            let mean = losses.map(\.1).reduce(0, +) / Double(losses.count)
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
