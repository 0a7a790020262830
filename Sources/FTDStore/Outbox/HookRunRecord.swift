import GRDB

/// A row of `hook_runs`: one attempt at a delivery. Inserted as `running` before the hook
/// starts, completed by `AppDatabase.finishAttempt(runID:result:)`.
struct HookRunRecord: Sendable, Equatable {
    /// `running` plus `HookRunResult.Outcome`'s raw values.
    static let running = "running"

    var id: Int64?
    var deliveryID: String
    var account: String
    var jobID: String
    var hook: String
    var attempt: Int
    var status: String
    var exitCode: Int32?
    var timedOut: Bool
    var startedAt: Int64
    var durationMs: Int64?
    var stdout: String
    var stderr: String
}

extension HookRunRecord {
    var view: HookRunView {
        HookRunView(
            hook: hook, deliveryID: deliveryID, attempt: attempt, status: status, exitCode: exitCode,
            timedOut: timedOut, startedAt: startedAt, durationMs: durationMs)
    }
}

extension HookRunRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "hook_runs"

    enum CodingKeys: String, CodingKey {
        case id
        case deliveryID = "delivery_id"
        case account
        case jobID = "job_id"
        case hook, attempt, status
        case exitCode = "exit_code"
        case timedOut = "timed_out"
        case startedAt = "started_at"
        case durationMs = "duration_ms"
        case stdout, stderr
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
