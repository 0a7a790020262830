import Foundation
import GRDB
import Testing

@testable import FTDStore

struct DeliveryAttemptTests {
    typealias D = DeliverySample

    static func oneDelivery() throws -> (AppDatabase, HookDelivery) {
        let database = try D.afterBaseline()
        _ = try database.record(
            cycle: D.cycle(at: 200, [("ftjob-a", "running")], hooks: [D.hook("notify", on: ["*"])]))
        return (database, try #require(try database.pendingDeliveries().first))
    }

    @Test func attemptsAreNumberedFromOneAndCountedOnTheDelivery() throws {
        let (database, delivery) = try Self.oneDelivery()
        var attempts: [Int] = []
        for time in [1_000, 1_001, 1_003] as [Int64] {
            let (runID, attempt) = try database.beginAttempt(deliveryID: delivery.id, startedAt: time)
            attempts.append(attempt)
            #expect(try database.pendingDeliveries().first?.attemptsMade == attempt)
            try database.finishAttempt(runID: runID, result: D.result(exit: 1, at: time))
        }
        #expect(attempts == [1, 2, 3])
        let stored = try database.writer.read { db in try DeliveryRecord.fetchOne(db, key: delivery.id) }
        #expect(stored?.attempts == 3)
        #expect(stored?.status == .pending)
    }

    @Test func anAttemptIsRecordedAsRunningBeforeTheHookEnds() throws {
        let (database, delivery) = try Self.oneDelivery()
        let (runID, _) = try database.beginAttempt(deliveryID: delivery.id, startedAt: 1_000)
        let row = try database.writer.read { db in try HookRunRecord.fetchOne(db, key: runID) }
        #expect(row?.status == "running")
        #expect(row?.exitCode == nil && row?.durationMs == nil)
        // Not yet in the job's history: SPEC section 6 lists finished attempts only.
        #expect(try database.jobDetail(id: "ftjob-a").hookRuns.isEmpty)
    }

    @Test func finishAttemptStoresTheOutcome() throws {
        let (database, delivery) = try Self.oneDelivery()
        let (runID, _) = try database.beginAttempt(deliveryID: delivery.id, startedAt: 1_000)
        try database.finishAttempt(
            runID: runID,
            result: HookRunResult(
                exitCode: nil, timedOut: true, startedAt: 1_000, durationMs: 60_004, stdout: "partial",
                stderr: "slow\n"))
        let row = try #require(try database.writer.read { db in try HookRunRecord.fetchOne(db, key: runID) })
        #expect(row.status == "timed_out")
        #expect(row.exitCode == nil && row.timedOut)
        #expect(row.durationMs == 60_004)
        #expect(row.stdout == "partial" && row.stderr == "slow\n")
    }

    @Test func completeDeliveryTakesItOutOfThePendingOnes() throws {
        let database = try D.afterBaseline()
        _ = try database.record(
            cycle: D.cycle(
                at: 200, [("ftjob-a", "running")], hooks: [D.hook("x", on: ["*"]), D.hook("y", on: ["*"])]))
        let pending = try database.pendingDeliveries()
        try database.completeDelivery(id: pending[0].id, succeeded: true, at: 300)
        #expect(try database.pendingDeliveries().map(\.id) == [pending[1].id])
        try database.completeDelivery(id: pending[1].id, succeeded: false, at: 301)
        #expect(try database.pendingDeliveries().isEmpty)
        // A done delivery keeps its first outcome.
        try database.completeDelivery(id: pending[0].id, succeeded: false, at: 400)
        let stored = try database.writer.read { db in try DeliveryRecord.fetchAll(db, keys: pending.map(\.id))
        }
        let byID = Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) })
        #expect(byID[pending[0].id]?.status == .succeeded && byID[pending[0].id]?.doneAt == 300)
        #expect(byID[pending[1].id]?.status == .failed && byID[pending[1].id]?.doneAt == 301)
    }

    @Test func aNoteOnCompletionGoesToTheLastAttemptOnce() throws {
        let (database, delivery) = try Self.oneDelivery()
        for time in [1_000, 1_001] as [Int64] {
            let (runID, _) = try database.beginAttempt(deliveryID: delivery.id, startedAt: time)
            try database.finishAttempt(runID: runID, result: D.result(exit: 1, at: time))
        }
        try database.completeDelivery(id: delivery.id, succeeded: false, at: 1_002, note: "\nwhy\n")
        // Already done: a second completion changes nothing, its note included.
        try database.completeDelivery(id: delivery.id, succeeded: false, at: 1_003, note: "\nagain\n")
        let stderr = try database.writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT stderr FROM hook_runs WHERE delivery_id = ? ORDER BY attempt",
                arguments: [delivery.id])
        }
        #expect(stderr == ["", "\nwhy\n"])
        #expect(try database.hookRuns().first?.lastStderrLine == "why")
    }

    @Test func unknownIDsAreReported() throws {
        let (database, _) = try Self.oneDelivery()
        #expect(throws: OutboxError.unknownDelivery(id: "dlv_nope")) {
            try database.beginAttempt(deliveryID: "dlv_nope", startedAt: 1)
        }
        #expect(throws: OutboxError.unknownDelivery(id: "dlv_nope")) {
            try database.completeDelivery(id: "dlv_nope", succeeded: true, at: 1)
        }
        #expect(throws: OutboxError.unknownRun(id: 999)) {
            try database.finishAttempt(runID: 999, result: D.result(exit: 0))
        }
    }

    @Test func attemptsKeepCountingAcrossARestart() throws {
        let directory = try StoreSample.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ftd.sqlite").path
        let deliveryID: String
        do {
            let database = try AppDatabase.open(path: path, groupReadable: false, logger: .quiet)
            _ = try database.record(cycle: D.cycle(at: 100, [("ftjob-a", "queued")], hooks: []))
            _ = try database.record(
                cycle: D.cycle(at: 200, [("ftjob-a", "running")], hooks: [D.hook("notify", on: ["*"])]))
            deliveryID = try #require(try database.pendingDeliveries().first).id
            let (first, _) = try database.beginAttempt(deliveryID: deliveryID, startedAt: 1_000)
            try database.finishAttempt(runID: first, result: D.result(exit: 1, at: 1_000))
            // The daemon dies while the second attempt runs.
            #expect(try database.beginAttempt(deliveryID: deliveryID, startedAt: 1_002).attempt == 2)
        }
        let reopened = try AppDatabase.open(path: path, groupReadable: false, logger: .quiet)
        #expect(try reopened.markInterruptedAttempts() == 1)
        #expect(try reopened.markInterruptedAttempts() == 0)
        let pending = try reopened.pendingDeliveries()
        #expect(pending.map(\.id) == [deliveryID])
        // Attempt 1 ran to its end and counts against the retries; attempt 2, cut short by
        // the crash, is numbered but does not.
        #expect(pending.first?.attemptsMade == 1)
        #expect(pending.first?.interruptedRuns == 1)
        let (runID, attempt) = try reopened.beginAttempt(deliveryID: deliveryID, startedAt: 2_000)
        #expect(attempt == 3)
        try reopened.finishAttempt(runID: runID, result: D.result(exit: 0, at: 2_000))
        try reopened.completeDelivery(id: deliveryID, succeeded: true, at: 2_001)

        let runs = try reopened.jobDetail(id: "ftjob-a").hookRuns
        #expect(runs.map(\.attempt) == [1, 2, 3])
        #expect(runs.map(\.status) == ["failed", "failed", "succeeded"])
        #expect(runs[1].exitCode == nil && runs[1].durationMs == nil && !runs[1].timedOut)
        let interrupted = try reopened.writer.read { db in
            try String.fetchOne(db, sql: "SELECT stderr FROM hook_runs WHERE attempt = 2")
        }
        #expect(interrupted == AppDatabase.interruptedStderr)
        #expect(try reopened.pendingDeliveries().isEmpty)
    }
}
