import FTDStore
import Foundation
import Testing

/// Which seeds to run. By default seeds 1, 2, … up to `ciCount`, new ones started only
/// within `ciBudget` (at least `ciMinimum` run), so that a busy machine runs fewer rather
/// than taking longer. `FTD_INVARIANT_SEEDS=N` runs exactly N from
/// `FTD_INVARIANT_FIRST_SEED` (default 1) whatever the time; `FTD_INVARIANT_SEED=S`
/// replays one and prints its faults; `FTD_INVARIANT_PARALLEL` runs that many at a time
/// (default 8). `scripts/invariant-seeds N` runs many.
enum InvariantSeeds {
    static let ciCount = 300
    static let ciMinimum = 50
    static let ciBudget: Duration = .seconds(45)
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static var replayed: UInt64? { environment["FTD_INVARIANT_SEED"].flatMap { UInt64($0) } }
    static var requested: Int? { environment["FTD_INVARIANT_SEEDS"].flatMap { Int($0) } }

    static var seeds: [UInt64] {
        if let replayed { return [replayed] }
        let first = environment["FTD_INVARIANT_FIRST_SEED"].flatMap { UInt64($0) } ?? 1
        return (0..<UInt64(max(0, requested ?? ciCount))).map { first + $0 }
    }

    /// Nil when every seed must run.
    static var budget: Duration? { replayed == nil && requested == nil ? ciBudget : nil }

    static var parallel: Int { max(1, environment["FTD_INVARIANT_PARALLEL"].flatMap { Int($0) } ?? 8) }

    /// Minutes before the run counts as hung: generous, the machine may be busy.
    static var minutes: Int { max(5, seeds.count / 20) }
}

/// SPEC section 3 "Faults" and section 5, tested at random: for any seeded sequence of
/// transient faults injected into the scripted account of `InvariantAccount`, once the
/// faults stop and a cycle completes, the database holds exactly what a fault-free run
/// holds (jobs, transitions, events, steps, checkpoints, deliveries: `DatabaseDump`), and
/// every delivery ran at least once and at most once more than its interrupted attempts
/// (`DeliveryFacts`), while hooks fail, time out and crash the daemon.
@Suite(.timeLimit(.minutes(InvariantSeeds.minutes))) struct RandomFaultInvariantTests {
    @Test func aFaultFreeRunIsTheSameEveryTimeAndRecordsTheWholeAccount() async throws {
        let first = try await InvariantRun(plan: nil).run()
        let second = try await InvariantRun(plan: nil).run()
        #expect(first.dump == second.dump, "\(second.dump.difference(from: first.dump))")
        #expect(first.failedCycles == 0)
        #expect(first.cycles == InvariantAccount.steps)

        let dump = first.dump
        #expect(dump.count("jobs") == InvariantAccount.jobs.count)
        #expect(dump.sections["jobs"]?.allSatisfy { $0.hasSuffix("| 1") } == true, "all final syncs done")
        let statuses = dump.sections["transitions"]?.map { $0.split(separator: "|")[2] } ?? []
        #expect(statuses.filter { $0.contains("failed") }.count == 2)
        #expect(statuses.filter { $0.contains("succeeded") }.count == 3)
        // 4 + 6 + 3 + 3 steps (the failing jobs stop early: 3 of 4, none of 3).
        #expect(dump.count("steps") == 16)
        // Epoch ends: 2 + 3 + 3 for the succeeded jobs, 1 for the one that failed after step 3.
        #expect(dump.count("checkpoints") == 9)
        #expect(dump.count("events") > 40)
        #expect(dump.count("deliveries") >= 15)
        let problems = DeliveryFacts.violations(
            first.deliveries, executions: first.executions, hooks: InvariantAccount.hooks)
        #expect(problems.isEmpty, "\(problems)")
        #expect(first.executions.count == first.deliveries.count, "each delivery ran exactly once")
    }

    @Test func theComparisonNoticesACycleThatComesAStepLate() async throws {
        let reference = try await InvariantRun(plan: nil).run()
        var late = InvariantRun(plan: nil)
        late.skippedSteps = [3]
        let outcome = try await late.run()
        #expect(outcome.dump != reference.dump)
        #expect(outcome.dump.difference(from: reference.dump).contains("transitions"))
    }

    @Test func afterRandomFaultsTheDatabaseHoldsWhatAFaultFreeRunHolds() async throws {
        let started = ContinuousClock.now
        let reference = try await InvariantRun(plan: nil).run()
        let seeds = InvariantSeeds.seeds
        if let replayed = InvariantSeeds.replayed { print(InvariantFaultPlan(seed: replayed)) }

        var ran = 0
        var totals = (faults: 0, cycles: 0, failedCycles: 0, crashes: 0, requests: 0, failedSeeds: 0)
        try await withThrowingTaskGroup(
            of: (InvariantFaultPlan, Result<InvariantRun.Outcome, any Error>).self
        ) {
            group in
            var pending = seeds[...]
            func startNext() {
                if let budget = InvariantSeeds.budget,
                    seeds.count - pending.count >= InvariantSeeds.ciMinimum,
                    started.duration(to: .now) > budget
                {
                    return
                }
                guard let seed = pending.popFirst() else { return }
                ran += 1
                group.addTask {
                    let plan = InvariantFaultPlan(seed: seed)
                    do { return (plan, .success(try await InvariantRun(plan: plan).run())) } catch {
                        return (plan, .failure(error))
                    }
                }
            }
            for _ in 0..<InvariantSeeds.parallel { startNext() }
            while let (plan, result) = try await group.next() {
                startNext()
                totals.faults += plan.faultCount
                let problems: [String]
                switch result {
                case .success(let outcome):
                    totals.cycles += outcome.cycles
                    totals.failedCycles += outcome.failedCycles
                    totals.crashes += outcome.crashes
                    totals.requests += outcome.requests
                    problems = Self.problems(outcome, reference: reference)
                case .failure(let error):
                    problems = ["the run stopped: \(error)"]
                }
                guard !problems.isEmpty else { continue }
                totals.failedSeeds += 1
                Issue.record(
                    """
                    The random-fault invariant broke. Replay: FTD_INVARIANT_SEED=\(plan.seed) \
                    swift test --skip-build --filter RandomFaultInvariant
                    \(plan)
                    \(problems.joined(separator: "\n"))
                    """)
            }
        }
        let elapsed = started.duration(to: .now).components.seconds
        print(
            "random-fault invariant: \(ran) seeds, \(totals.faults) fault rules, \(totals.cycles) cycles "
                + "(\(totals.failedCycles) with failed requests), \(totals.requests) requests, "
                + "\(totals.crashes) hook crashes (the fault-free run: \(reference.requests) requests), "
                + "\(totals.failedSeeds) seeds broke it, \(elapsed) s")
    }

    static func problems(_ outcome: InvariantRun.Outcome, reference: InvariantRun.Outcome) -> [String] {
        var problems: [String] = []
        if outcome.dump != reference.dump {
            problems.append("the database differs from the fault-free run's:")
            problems.append(outcome.dump.difference(from: reference.dump))
        }
        problems += DeliveryFacts.violations(
            outcome.deliveries, executions: outcome.executions, hooks: InvariantAccount.hooks)
        return problems
    }
}
