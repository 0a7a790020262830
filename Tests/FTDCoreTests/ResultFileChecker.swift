import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

enum ResultFileChecker {
    /// Reads a result file and checks what every reading must satisfy: finite values, never
    /// the `-1` that means "missing", no more steps than lines.
    static func check(_ data: Data, context: String, report: inout FuzzReport) -> [LossStep] {
        let steps = ResultFileParser.steps(jobID: FuzzFixture.jobID, data: data)
        report.count(accepted: !steps.isEmpty)
        let values = steps.flatMap {
            [
                $0.trainLoss, $0.trainMeanTokenAccuracy, $0.validLoss, $0.validMeanTokenAccuracy,
                $0.fullValidLoss, $0.fullValidMeanTokenAccuracy,
            ].compactMap { $0 }
        }
        if values.contains(where: { !$0.isFinite || $0 == -1 }) {
            report.record("a value is not finite or is the missing marker -1", context)
        }
        if steps.contains(where: { $0.jobID != FuzzFixture.jobID || abs($0.step) >= 1_000_000_000_000_000 }) {
            report.record("a step has the wrong job or an absurd number", context)
        }
        let lines = ResultFileParser.csvText(data).split(whereSeparator: \.isNewline).count
        if steps.count > max(lines - 1, 0) { report.record("more steps than rows", context) }
        return steps
    }
}
