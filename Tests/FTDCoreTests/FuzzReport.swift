import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

/// The counts of one test and the problems it found; `finish` prints the counts and turns
/// the problems into one test failure that shows the first few.
struct FuzzReport {
    let name: String
    var cases = 0
    var accepted = 0
    var rejected = 0
    private(set) var problemCount = 0
    private var problems: [String] = []

    init(name: String) { self.name = name }

    mutating func count(accepted wasAccepted: Bool) {
        cases += 1
        if wasAccepted { accepted += 1 } else { rejected += 1 }
    }

    mutating func record(_ problem: String, _ context: String) {
        problemCount += 1
        if problems.count < 12 { problems.append("\(context): \(problem)") }
    }

    var summary: String { "\(cases) cases, \(accepted) accepted, \(rejected) rejected" }

    func finish(expectedCases: Int) {
        print("DecoderFuzz \(name): \(summary), \(problemCount) problems")
        #expect(cases == expectedCases, "\(name): \(summary)")
        #expect(
            problemCount == 0,
            "\(name): \(problemCount) problems, the first:\n\(problems.joined(separator: "\n"))")
    }
}
