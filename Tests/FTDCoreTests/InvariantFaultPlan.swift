import FTDAPI
import FTDModel
import FTDSimulator

/// The transient faults one seed injects at each step of `InvariantAccount`: error
/// statuses with and without `retry-after`, timeouts, bodies that are not JSON, cut short
/// or of the wrong shape, on random paths, sometimes more of them than the retries absorb
/// (so that requests and cycles fail, and the next cycle has to resume). Printed with the
/// seed when the invariant breaks, so the run can be replayed.
struct InvariantFaultPlan: CustomStringConvertible {
    /// Where a fault lands; `job` is an index into `InvariantAccount.jobs`.
    enum Target: Equatable {
        case anyRequest, jobList, events, checkpoints, job(Int)

        func pathContains(jobIDs: [String]) -> String? {
            switch self {
            case .anyRequest: nil
            case .jobList: "/fine_tuning/jobs?"
            case .events: "/events"
            case .checkpoints: "/checkpoints"
            case .job(let index): jobIDs[index]
            }
        }

        var label: String {
            switch self {
            case .anyRequest: "any request"
            case .jobList: "the job list"
            case .events: "events"
            case .checkpoints: "checkpoints"
            case .job(let index): "job #\(index) (\(InvariantAccount.jobs[index].suffix ?? ""))"
            }
        }
    }

    struct Fault {
        var kind: FaultRule.Kind
        var target: Target
        var count: Int

        var label: String {
            let what: String
            switch kind {
            case .status(let status, let retryAfter, let retryAfterMs, let shouldRetry):
                var text = "\(status)"
                if let retryAfter { text += " retry-after=\(retryAfter)" }
                if let retryAfterMs { text += " retry-after-ms=\(retryAfterMs)" }
                if let shouldRetry { text += " x-should-retry=\(shouldRetry)" }
                what = text
            case .delay(let seconds): what = "delay \(seconds) s"
            case .malformedBody: what = "malformed"
            case .truncatedBody: what = "truncated"
            case .wrongShape: what = "wrong-shape"
            }
            return "\(what) ×\(count) on \(target.label)"
        }
    }

    /// Seconds a delayed answer comes late: past `requestTimeout`, so the client times out.
    static let delay = 2.5
    static let requestTimeout = 2.0

    let seed: UInt64
    /// The poll cycle's job concurrency: 1 makes the order of requests, and so which
    /// request a fault hits, the same on every replay.
    let concurrency: Int
    let steps: [[Fault]]

    init(seed: UInt64, steps: Int = InvariantAccount.steps) {
        self.seed = seed
        var generator = InvariantGenerator(seed: seed)
        concurrency = Bool.random(using: &generator) ? 1 : 4
        self.steps = (0..<steps).map { _ in
            let faults = [0, 0, 1, 1, 1, 2, 2, 3].randomElement(using: &generator)!
            return (0..<faults).map { _ in Self.fault(using: &generator) }
        }
    }

    static func fault(using generator: inout InvariantGenerator) -> Fault {
        let targets: [Target] =
            [.anyRequest, .jobList, .events, .checkpoints]
            + InvariantAccount.jobs.indices.map(Target.job)
        let target = targets.randomElement(using: &generator)!
        let server = [500, 502, 503].randomElement(using: &generator)!
        // Up to 4 hits: 3 exhaust one request's attempts (max_retries = 2).
        let count = Int.random(in: 1...4, using: &generator)
        switch Int.random(in: 0..<12, using: &generator) {
        case 0: return Fault(kind: .status(server), target: target, count: count)
        case 1: return Fault(kind: .status(server, retryAfter: "0"), target: target, count: count)
        case 2:
            let milliseconds = String(Int.random(in: 1...20, using: &generator))
            return Fault(kind: .status(server, retryAfterMs: milliseconds), target: target, count: count)
        case 3:
            return Fault(kind: .status(503, shouldRetry: true), target: target, count: count)
        // A 429 makes the client's pacer space the next requests by 0.5 s, 1 s, …: at most 2.
        case 4: return Fault(kind: .status(429), target: target, count: min(count, 2))
        case 5: return Fault(kind: .status(429, retryAfter: "0"), target: target, count: min(count, 2))
        case 6:
            let milliseconds = String(Int.random(in: 1...20, using: &generator))
            return Fault(kind: .status(429, retryAfterMs: milliseconds), target: target, count: 1)
        // Each timeout costs `requestTimeout` of wall time.
        case 7: return Fault(kind: .delay(delay), target: target, count: min(count, 2))
        case 8: return Fault(kind: .malformedBody, target: target, count: count)
        case 9: return Fault(kind: .truncatedBody, target: target, count: count)
        default: return Fault(kind: .wrongShape, target: target, count: count)
        }
    }

    func rules(step: Int, jobIDs: [String]) -> [FaultRule] {
        steps[step].map {
            FaultRule(kind: $0.kind, pathContains: $0.target.pathContains(jobIDs: jobIDs), count: $0.count)
        }
    }

    var faultCount: Int { steps.reduce(0) { $0 + $1.count } }

    var description: String {
        var lines = ["seed \(seed): poll concurrency \(concurrency), \(faultCount) fault rules"]
        for (index, faults) in steps.enumerated() where !faults.isEmpty {
            let time = InvariantAccount.clockTimes[index] - InvariantAccount.start
            lines.append("  step \(index) (+\(time) s): " + faults.map(\.label).joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }
}
