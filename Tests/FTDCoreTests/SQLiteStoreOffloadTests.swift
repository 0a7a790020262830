import Foundation
import GRDB
import Testing

@testable import FTDModel
@testable import FTDStore

/// `SQLiteStore` never blocks a thread of Swift's cooperative pool: a write waiting out
/// SQLite's busy timeout suspends its task, and other tasks go on meanwhile.
struct SQLiteStoreOffloadTests {
    @Test func writesWaitingOnALockedDatabaseLeaveTheCooperativePoolFree() async throws {
        let root = try StoreSample.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("ftd.sqlite3").path
        let store = SQLiteStore(
            try AppDatabase.open(path: path, groupReadable: false, logger: StoreSample.logger))
        // Another process's write transaction, as an open sqlite3 shell would hold it.
        var holding = GRDB.Configuration()
        holding.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: path, configuration: holding)
        try other.inDatabase { db in try db.execute(sql: "BEGIN EXCLUSIVE") }

        // The writers and a probe share one thread (a serial executor), apart from the
        // rest of the test run. Were a writer blocking its thread, the probe, enqueued
        // after them, could only run once SQLite had given up on the lock
        // (busyTimeoutSeconds) and every write had failed. The probe ends the other
        // transaction, so the writes succeed only if it ran while they were waiting.
        let executor = OneThreadExecutor()
        let writers = 4
        let outcome = CycleOutcome(finishedAt: 1, result: .complete)
        let succeeded = Locked(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<writers {
                group.addTask(executorPreference: executor) {
                    if (try? await store.recordCycleOutcome(outcome)) != nil {
                        succeeded.withLock { $0 += 1 }
                    }
                }
            }
            group.addTask(executorPreference: executor) {
                try? other.inDatabase { db in try db.execute(sql: "ROLLBACK") }
            }
        }
        #expect(succeeded.withLock { $0 } == writers)
        #expect(try await store.daemonStatus().lastCycle == outcome)
    }
}

/// A task executor with one thread: a serial queue runs its jobs one after the other.
final class OneThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "ftd.tests.one-thread")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
