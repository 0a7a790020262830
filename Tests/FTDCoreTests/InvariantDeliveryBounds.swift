import GRDB

@testable import FTDConfig
@testable import FTDEngine
@testable import FTDStore

/// One delivery and its recorded attempts, read back for the bounds of SPEC section 5.
struct DeliveryFacts {
    struct Attempt {
        var number: Int
        var status: String
        var exitCode: Int?
        var interrupted: Bool
    }

    var id: String
    var jobID: String
    var hook: String
    var status: String
    /// The delivery's place in its job's order: transition, then hook position.
    var order: Int
    var attempts: [Attempt]

    static func all(in store: AppDatabase) throws -> [DeliveryFacts] {
        try store.writer.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM deliveries ORDER BY job_id, transition_id, position")
            return try rows.enumerated().map { order, row in
                let id: String = row["id"]
                let runs = try Row.fetchAll(
                    db, sql: "SELECT * FROM hook_runs WHERE delivery_id = ? ORDER BY attempt", arguments: [id]
                )
                return DeliveryFacts(
                    id: id, jobID: row["job_id"], hook: row["hook"], status: row["status"], order: order,
                    attempts: runs.map { run in
                        Attempt(
                            number: run["attempt"], status: run["status"], exitCode: run["exit_code"],
                            interrupted: run["interrupted"])
                    })
            }
        }
    }

    /// What breaks the delivery's bounds, given every run of the hook's process: done;
    /// attempts numbered 1, 2, … with no more than `1 + retries` that ran to their end and
    /// no more than `HookDispatcher.maxInterruptedAttempts` a crash interrupted; each
    /// attempt one run of the hook, which saw that number; ran at least once, and
    /// successfully at most once more than the attempts a crash interrupted; succeeded
    /// exactly when an attempt did, failed only when it used up its attempts (or the
    /// crashes' bound); each finished attempt recorded as it ran.
    func violations(executions: [HookChaos.Execution], retries: Int) -> [String] {
        var problems: [String] = []
        let numbers = attempts.map(\.number)
        let interrupted = attempts.filter(\.interrupted).count
        let whole = numbers.count - interrupted
        let successes = executions.filter(\.succeeded).count
        let recordedSuccesses = attempts.filter { $0.status == "succeeded" }.count
        if status == "pending" { problems.append("still pending") }
        if numbers.isEmpty || numbers != Array(1...numbers.count) {
            problems.append("attempts numbered \(numbers)")
        }
        if whole > 1 + retries { problems.append("\(whole) whole attempts, retries = \(retries)") }
        if interrupted > HookDispatcher.maxInterruptedAttempts {
            problems.append("\(interrupted) interrupted attempts")
        }
        if attempts.contains(where: { $0.status == "running" }) {
            problems.append("an attempt still running")
        }
        if executions.map(\.attempt) != numbers {
            problems.append("the hook ran as attempts \(executions.map(\.attempt)), recorded \(numbers)")
        }
        if executions.isEmpty { problems.append("the hook never ran") }
        if successes > 1 + interrupted {
            problems.append(
                "the hook succeeded \(successes) times with \(interrupted) interrupted attempt(s)")
        }
        if (status == "succeeded") != (recordedSuccesses == 1) || recordedSuccesses > 1 {
            problems.append("status \(status) with \(recordedSuccesses) recorded successful attempt(s)")
        }
        if status == "failed" && whole != 1 + retries && interrupted != HookDispatcher.maxInterruptedAttempts
        {
            problems.append(
                "gave up after \(whole) of \(1 + retries) whole attempts and \(interrupted) interrupted ones")
        }
        for (attempt, execution) in zip(attempts, executions) where !attempt.interrupted {
            if (attempt.status == "succeeded") != execution.succeeded {
                problems.append(
                    "attempt \(attempt.number) recorded \(attempt.status), the hook saw otherwise")
            }
        }
        return problems.map { "delivery \(hook) of \(jobID) (\(status)): \($0)" }
    }

    /// Every delivery's bounds, and the order of each job's hook runs (the order of its
    /// transitions, a delivery run again after a crash before the next one).
    static func violations(
        _ deliveries: [DeliveryFacts], executions: [HookChaos.Execution], hooks: [HookSettings]
    ) -> [String] {
        let byDelivery = Dictionary(grouping: executions, by: \.deliveryID)
        var problems: [String] = []
        for delivery in deliveries {
            let retries = hooks.first { $0.name == delivery.hook }?.retries ?? 0
            problems += delivery.violations(executions: byDelivery[delivery.id] ?? [], retries: retries)
        }
        let known = Set(deliveries.map(\.id))
        for execution in executions where !known.contains(execution.deliveryID) {
            problems.append("a hook ran for an unknown delivery \(execution.deliveryID)")
        }
        let order = Dictionary(uniqueKeysWithValues: deliveries.map { ($0.id, $0.order) })
        for (jobID, runs) in Dictionary(grouping: executions, by: \.jobID) {
            let ranks = runs.compactMap { order[$0.deliveryID] }
            if ranks != ranks.sorted() { problems.append("\(jobID): hooks ran out of transition order") }
        }
        return problems
    }
}
