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

/// `TransitionDetector.judge`: whether a look is news at all, before it is a change.
struct TransitionJudgeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var stored: (status: String, at: Int64)?
        var observed: (status: String, at: Int64)
        var verdict: ObservationVerdict
        var testDescription: String { name }
    }

    static func change(_ from: String?, _ to: String, at time: Int64) -> ObservationVerdict {
        .newer(Transition(jobID: "ftjob-1", from: from, to: to, observedAt: time, isBaseline: false))
    }

    static let cases: [Case] = [
        Case(
            name: "first sight", stored: nil, observed: ("queued", 10), verdict: change(nil, "queued", at: 10)
        ),
        Case(
            name: "newer, same status", stored: ("running", 10), observed: ("running", 20),
            verdict: .newer(nil)),
        Case(
            name: "newer, new status", stored: ("running", 10), observed: ("succeeded", 20),
            verdict: change("running", "succeeded", at: 20)),
        Case(name: "older look", stored: ("succeeded", 20), observed: ("running", 10), verdict: .stale),
        // One instant shared across processes: what was stored first stays.
        Case(name: "the same instant", stored: ("running", 20), observed: ("succeeded", 20), verdict: .stale),
        Case(
            name: "finished, seen active later", stored: ("succeeded", 10), observed: ("running", 20),
            verdict: .stale),
        Case(
            name: "cancelled, seen paused later", stored: ("cancelled", 10), observed: ("paused", 20),
            verdict: .stale),
        Case(
            name: "one end to another", stored: ("failed", 10), observed: ("succeeded", 20),
            verdict: change("failed", "succeeded", at: 20)),
        Case(
            name: "an unknown status is active", stored: ("pending", 10), observed: ("running", 20),
            verdict: change("pending", "running", at: 20)),
    ]

    @Test(arguments: cases)
    func judges(_ item: Case) {
        let observation = JobObservation(
            jobID: "ftjob-1", status: item.observed.status,
            observed: ObservedInstant(unixSeconds: item.observed.at),
            stored: item.stored.map {
                JobObservation.Stored(status: $0.status, observed: ObservedInstant(unixSeconds: $0.at))
            },
            isBaseline: false)
        #expect(TransitionDetector.judge(observation) == item.verdict)
        #expect(TransitionDetector.rule(observation) == item.verdict)
    }

    @Test func aBaselineLookCarriesTheFlag() {
        let observation = JobObservation(
            jobID: "ftjob-1", status: "running", observed: ObservedInstant(unixSeconds: 5), stored: nil,
            isBaseline: true)
        #expect(
            TransitionDetector.judge(observation)
                == .newer(
                    Transition(jobID: "ftjob-1", from: nil, to: "running", observedAt: 5, isBaseline: true)))
    }
}
