import FTDConfig
import FTDEngine
import FTDSimulator

/// The scripted account of the random-fault invariant: a few jobs on the simulator's
/// manual clock (one finished long ago, one running, one failing mid-training, one failing
/// validation, one arriving late), several hooks, page sizes small enough that every list
/// is read over several pages, and a fixed schedule of clock steps that takes every job to
/// its end. The same account and schedule give the same facts on every run.
enum InvariantAccount {
    static let start: Int64 = 1_750_000_000
    /// Simulated seconds between two steps.
    static let stepSeconds: Int64 = 20
    /// Steps, the first at `start`: the jobs' transitions spread over them until the last
    /// job ends at +150 s; the last step (+180 s) is a steady one.
    static let steps = 10

    static var clockTimes: [Int64] { (0..<steps).map { start + Int64($0) * stepSeconds } }

    static var configuration: SimulatorConfiguration {
        SimulatorConfiguration(clock: .manual(start: start), scenario: .empty)
    }

    static let durations = JobDurations(validating: 20, queued: 20, perStep: 10, finishing: 10)

    /// Added in this order: the simulator's ids follow from its seed and the order.
    static let jobs: [JobScript] = [
        JobScript(suffix: "archived", examples: 2, epochs: 2, durations: durations, createdOffset: -3_600),
        JobScript(suffix: "running", examples: 2, epochs: 3, durations: durations, createdOffset: -40),
        JobScript(
            suffix: "diverges", examples: 2, epochs: 2, durations: durations,
            outcome: .fail(
                JobFailure(code: "server_error", message: "The job failed at step 3."), afterStep: 3)),
        JobScript(
            suffix: "too-small", examples: 3, durations: durations,
            outcome: .fail(.tooFewExamples(3), afterStep: nil), createdOffset: 35),
        JobScript(suffix: "late", examples: 1, epochs: 3, durations: durations, createdOffset: 70),
    ]

    static let hooks: [HookSettings] = [
        HookSettings(name: "notify", on: ["*"], command: .argv(["/bin/true"]), timeout: 5, retries: 2),
        HookSettings(name: "alert", on: ["failed"], command: .argv(["/bin/true"]), timeout: 5, retries: 0),
        HookSettings(
            name: "archive", on: ["succeeded", "failed", "cancelled"], command: .argv(["/bin/true"]),
            timeout: 5, retries: 1),
    ]

    static var pageSizes: PollCycle.PageSizes {
        var sizes = PollCycle.PageSizes()
        sizes.jobs = 2
        sizes.events = 3
        sizes.checkpoints = 1
        return sizes
    }
}

/// SplitMix64 (the simulator's), so a seed replays on every platform.
typealias InvariantGenerator = SeededGenerator

extension SeededGenerator {
    /// A number in 0..<100 that depends only on `seed` and `key`.
    static func percent(seed: UInt64, key: String) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        var generator = InvariantGenerator(seed: seed ^ hash)
        return Int(generator.next() % 100)
    }
}
