import Foundation

@testable import FTDConfig
@testable import FTDStore

/// Hooks and cycles shared by the outbox tests.
enum DeliverySample {
    static func hook(_ name: String, on statuses: [String]) -> HookSettings {
        HookSettings(name: name, on: statuses, command: .argv(["/bin/true"]))
    }

    /// A cycle of `jobs` (id, status) that carries `hooks`.
    static func cycle(at time: Int64, _ jobs: [(String, String)], hooks: [HookSettings]) -> CycleRecord {
        var cycle = CycleRecord(observedAt: time, jobs: jobs.map { StoreSample.job($0.0, $0.1) })
        cycle.hooks = hooks
        return cycle
    }

    /// A database whose baseline (one queued job `ftjob-a`) is already recorded.
    static func afterBaseline() throws -> AppDatabase {
        let database = try AppDatabase.inMemory(logger: .quiet)
        _ = try database.record(
            cycle: cycle(at: 100, [("ftjob-a", "queued")], hooks: [hook("all", on: ["*"])]))
        return database
    }

    static func count(_ table: String, in database: AppDatabase) throws -> Int {
        try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    static func result(exit: Int32?, timedOut: Bool = false, at time: Int64 = 1_000, stderr: String = "")
        -> HookRunResult
    {
        HookRunResult(exitCode: exit, timedOut: timedOut, startedAt: time, durationMs: 12, stderr: stderr)
    }
}
