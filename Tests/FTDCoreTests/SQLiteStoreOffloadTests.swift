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

        // More waiting writers than the pool has threads: were they blocking, nothing
        // else could run until SQLite gave up on the lock (busyTimeoutSeconds).
        let writers = ProcessInfo.processInfo.activeProcessorCount + 2
        let outcome = CycleOutcome(finishedAt: 1, result: .complete)
        let begin = ContinuousClock.now
        let writes = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<writers {
                    group.addTask { _ = try? await store.recordCycleOutcome(outcome) }
                }
            }
        }
        // This task sleeps while the writers wait on the lock; it wakes on the pool.
        try await Task.sleep(for: .milliseconds(300))
        let waited = ContinuousClock.now - begin
        try other.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        await writes.value

        // A blocked pool would hold this task for the rest of the busy timeout (about 5 s).
        #expect(waited < .seconds(StoreError.busyTimeoutSeconds - 2), "\(waited)")
        #expect(try await store.daemonStatus().lastCycle == outcome)
    }
}
