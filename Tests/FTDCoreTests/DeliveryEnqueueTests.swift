import Foundation
import GRDB
import Testing

@testable import FTDModel
@testable import FTDStore

struct DeliveryEnqueueTests {
    typealias D = DeliverySample

    @Test func aTransitionGetsOneDeliveryPerFiringHookInHookOrder() throws {
        let database = try D.afterBaseline()
        let hooks = [
            D.hook("on-success", on: ["succeeded"]), D.hook("on-failure", on: ["failed"]),
            D.hook("everything", on: ["*"]), D.hook("done", on: ["failed", "succeeded", "cancelled"]),
        ]
        _ = try database.record(cycle: D.cycle(at: 200, [("ftjob-a", "succeeded")], hooks: hooks))
        let pending = try database.pendingDeliveries()
        #expect(pending.map(\.hook) == ["on-success", "everything", "done"])
        #expect(
            pending.allSatisfy {
                $0.transition
                    == Transition(
                        jobID: "ftjob-a", from: "queued", to: "succeeded", observedAt: 200, isBaseline: false)
            })
        #expect(pending.allSatisfy { $0.attemptsMade == 0 && $0.job.id == "ftjob-a" })
        #expect(pending.allSatisfy { $0.job.status == "succeeded" })
        #expect(Set(pending.map(\.id)).count == 3)
        for delivery in pending {
            #expect(delivery.id.hasPrefix("dlv_") && delivery.id.count == 28)
            let digits = delivery.id.dropFirst(4)
            #expect(digits.allSatisfy { $0.isHexDigit })
        }
    }

    @Test func theBaselineEnqueuesNothing() throws {
        let database = try AppDatabase.inMemory(logger: .quiet)
        let transitions = try database.record(
            cycle: D.cycle(
                at: 100, [("ftjob-a", "running"), ("ftjob-b", "succeeded")], hooks: [D.hook("all", on: ["*"])]
            ))
        #expect(transitions.count == 2 && transitions.allSatisfy(\.isBaseline))
        #expect(try database.pendingDeliveries().isEmpty)
        #expect(try D.count("deliveries", in: database) == 0)
    }

    @Test func noDeliveryWhenNoHookFiresOrNoneIsConfigured() throws {
        let database = try D.afterBaseline()
        _ = try database.record(
            cycle: D.cycle(at: 200, [("ftjob-a", "running")], hooks: [D.hook("done", on: ["succeeded"])]))
        _ = try database.record(cycle: D.cycle(at: 300, [("ftjob-a", "succeeded")], hooks: []))
        #expect(try database.jobDetail(id: "ftjob-a").transitions.count == 3)
        #expect(try D.count("deliveries", in: database) == 0)
    }

    @Test func anUnchangedJobEnqueuesNothing() throws {
        let database = try D.afterBaseline()
        _ = try database.record(
            cycle: D.cycle(at: 200, [("ftjob-a", "queued")], hooks: [D.hook("all", on: ["*"])]))
        #expect(try database.pendingDeliveries().isEmpty)
    }

    @Test func theDeliveryCarriesTheJobAsTheAPISentIt() throws {
        let database = try D.afterBaseline()
        let raw: JSONValue = .object([
            "id": .string("ftjob-a"), "status": .string("failed"), "model": .string("gpt-4o-mini"),
            "error": .object(["code": .string("invalid_file"), "message": .string("bad line 3")]),
            "extra_field": .int(7),
        ])
        var cycle = CycleRecord(observedAt: 200, jobs: [try FineTuningJob(json: raw)])
        cycle.hooks = [D.hook("all", on: ["*"])]
        _ = try database.record(cycle: cycle)
        // A later state of the job must not change what the delivery carries.
        _ = try database.record(cycle: D.cycle(at: 300, [("ftjob-a", "failed")], hooks: []))
        let delivery = try #require(try database.pendingDeliveries().first)
        #expect(delivery.job.raw == raw)
        #expect(delivery.job.error?.code == "invalid_file")
        #expect(delivery.job.model == "gpt-4o-mini")
    }

    @Test func aJobJSONThatNoLongerDecodesFallsBackToTheStoredRow() throws {
        let database = try D.afterBaseline()
        _ = try database.record(
            cycle: D.cycle(at: 200, [("ftjob-a", "running")], hooks: [D.hook("all", on: ["*"])]))
        try database.writer.write { db in try db.execute(sql: "UPDATE deliveries SET job_json = 'not json'") }
        let delivery = try #require(try database.pendingDeliveries().first)
        #expect(delivery.job.id == "ftjob-a")
        #expect(delivery.job.status == "running")
        #expect(delivery.job.model == "gpt-4o-mini-2024-07-18")
    }

    @Test func deliveriesAreWrittenInTheTransactionOfTheirTransitions() throws {
        let database = try D.afterBaseline()
        // Fail the cycle at its delivery insert: the job and transition written before it
        // in the same cycle must vanish with it.
        try database.writer.write { db in
            try db.execute(
                sql: """
                    CREATE TEMP TRIGGER refuse_deliveries BEFORE INSERT ON deliveries
                    BEGIN SELECT RAISE(ABORT, 'refused'); END
                    """)
        }
        #expect(throws: DatabaseError.self) {
            try database.record(
                cycle: D.cycle(
                    at: 200, [("ftjob-b", "queued"), ("ftjob-a", "running")],
                    hooks: [D.hook("all", on: ["*"])]))
        }
        #expect(try D.count("transitions", in: database) == 1)
        #expect(try D.count("jobs", in: database) == 1)
        #expect(try database.jobDetail(id: "ftjob-a").summary.status == "queued")

        try database.writer.write { db in try db.execute(sql: "DROP TRIGGER refuse_deliveries") }
        let transitions = try database.record(
            cycle: D.cycle(
                at: 200, [("ftjob-b", "queued"), ("ftjob-a", "running")], hooks: [D.hook("all", on: ["*"])]))
        #expect(transitions.count == 2)
        #expect(try database.pendingDeliveries().map(\.transition) == transitions)
    }

    @Test func pendingDeliveriesFollowTransitionOrderAcrossJobsAndCycles() throws {
        let database = try D.afterBaseline()
        let hooks = [D.hook("first", on: ["*"]), D.hook("second", on: ["running", "succeeded"])]
        _ = try database.record(
            cycle: D.cycle(at: 200, [("ftjob-b", "queued"), ("ftjob-a", "running")], hooks: hooks))
        _ = try database.record(
            cycle: D.cycle(at: 300, [("ftjob-a", "succeeded"), ("ftjob-b", "running")], hooks: hooks))
        let order = try database.pendingDeliveries().map {
            "\($0.transition.jobID):\($0.transition.to):\($0.hook)"
        }
        #expect(
            order == [
                "ftjob-b:queued:first",
                "ftjob-a:running:first", "ftjob-a:running:second",
                "ftjob-a:succeeded:first", "ftjob-a:succeeded:second",
                "ftjob-b:running:first", "ftjob-b:running:second",
            ])
    }
}
