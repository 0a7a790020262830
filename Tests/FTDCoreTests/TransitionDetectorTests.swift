import Testing

@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

struct TransitionDetectorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var stored: String?
        var observed: String
        var expectedFrom: String??
        var testDescription: String { "\(stored ?? "nil") → \(observed)" }
    }

    static let cases: [Case] = [
        Case(stored: nil, observed: "validating_files", expectedFrom: .some(nil)),
        Case(stored: nil, observed: "succeeded", expectedFrom: .some(nil)),
        Case(stored: "running", observed: "running", expectedFrom: nil),
        Case(stored: "queued", observed: "running", expectedFrom: "queued"),
        // A state skipped between two cycles is not invented.
        Case(stored: "validating_files", observed: "succeeded", expectedFrom: "validating_files"),
        Case(stored: "running", observed: "paused", expectedFrom: "running"),
        Case(stored: "paused", observed: "paused", expectedFrom: nil),
        Case(stored: nil, observed: "pending", expectedFrom: .some(nil)),
        Case(stored: "pending", observed: "Some New Status", expectedFrom: "pending"),
        Case(stored: "Running", observed: "running", expectedFrom: "Running"),
    ]

    @Test(arguments: cases, [false, true])
    func detects(_ item: Case, isBaseline: Bool) {
        let transition = TransitionDetector.transition(
            jobID: "ftjob-1", stored: item.stored, observed: item.observed, observedAt: 42,
            isBaseline: isBaseline)
        guard let expectedFrom = item.expectedFrom else {
            #expect(transition == nil)
            return
        }
        #expect(
            transition
                == Transition(
                    jobID: "ftjob-1", from: expectedFrom, to: item.observed, observedAt: 42,
                    isBaseline: isBaseline))
    }
}
