import Foundation
import GRDB
import Testing

@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// Several writers (the daemon, `watch`, `submit`, `cancel`) record the same job: the
/// newest observation wins, to the nanosecond, and a job never leaves a terminal status.
struct ObservationOrderTests {
    typealias D = DeliverySample
    static let hooks = [D.hook("done", on: ["succeeded"])]

    static func cycle(at nanoseconds: Int64, _ status: String) -> CycleRecord {
        var cycle = CycleRecord(
            observed: ObservedInstant(nanoseconds: nanoseconds), jobs: [StoreSample.job("ftjob-a", status)])
        cycle.hooks = hooks
        return cycle
    }

    /// `watch` looks at 200.2 s and sees `running`; the daemon looks at 200.7 s, sees
    /// `succeeded` and commits first; then `watch` commits. Its older look changes
    /// nothing, and the daemon's next cycle finds nothing new: one delivery, not two.
    @Test func anOlderLookInTheSameSecondCommittedLaterChangesNothing() throws {
        let database = try D.afterBaseline()
        _ = try database.record(cycle: Self.cycle(at: 150_000_000_000, "running"))
        let daemon = try database.record(cycle: Self.cycle(at: 200_700_000_000, "succeeded"))
        #expect(daemon.map(\.to) == ["succeeded"])

        let watch = try database.record(cycle: Self.cycle(at: 200_200_000_000, "running"))
        #expect(watch.isEmpty)
        #expect(try database.jobSummaries().first?.status == "succeeded")

        let nextCycle = try database.record(cycle: Self.cycle(at: 230_000_000_000, "succeeded"))
        #expect(nextCycle.isEmpty)
        #expect(
            try database.jobDetail(id: "ftjob-a").transitions.map(\.to) == ["queued", "running", "succeeded"])
        #expect(try D.count("deliveries", in: database) == 1)
    }

    /// Two looks at the very same instant (two processes, one nanosecond): the one stored
    /// first stays.
    @Test func aLookAtTheStoredInstantKeepsTheStoredRow() throws {
        let database = try D.afterBaseline()
        _ = try database.record(cycle: Self.cycle(at: 200_000_000_001, "running"))
        #expect(try database.record(cycle: Self.cycle(at: 200_000_000_001, "queued")).isEmpty)
        #expect(try database.jobSummaries().first?.status == "running")
    }

    /// Another machine's clock, or a clock set back, can make a look taken before the job
    /// ended seem newer: a terminal status is kept all the same.
    @Test func aJobNeverLeavesATerminalStatus() throws {
        let database = try D.afterBaseline()
        _ = try database.record(cycle: Self.cycle(at: 200_000_000_000, "succeeded"))
        #expect(try database.record(cycle: Self.cycle(at: 300_000_000_000, "running")).isEmpty)
        #expect(try database.jobSummaries().first?.status == "succeeded")
        #expect(try database.record(cycle: Self.cycle(at: 400_000_000_000, "succeeded")).isEmpty)
        #expect(try D.count("deliveries", in: database) == 1)
        // From one terminal status to another, the newer look is the API's word.
        #expect(try database.record(cycle: Self.cycle(at: 500_000_000_000, "failed")).map(\.to) == ["failed"])
    }

    /// The row keeps the instant; hooks and history keep whole seconds.
    @Test func theRowKeepsTheInstantAndTheSecond() throws {
        let database = try D.afterBaseline()
        _ = try database.record(cycle: Self.cycle(at: 200_700_000_123, "running"))
        let row = try database.writer.read { db in
            try JobRecord.fetchOne(db, key: ["account": "default", "id": "ftjob-a"])
        }
        #expect(row?.observedNanoseconds == 200_700_000_123)
        #expect(row?.updatedAt == 200)
        #expect(try database.jobDetail(id: "ftjob-a").transitions.last?.observedAt == 200)
    }

    /// A row written before migration v5 has no instant: its second orders it.
    @Test func aRowWithoutAnInstantIsOrderedByItsSecond() throws {
        let database = try D.afterBaseline()
        _ = try database.record(cycle: Self.cycle(at: 200_000_000_000, "running"))
        try database.writer.write { db in
            try db.execute(sql: "UPDATE jobs SET observed_ns = NULL, updated_at = 300")
        }
        #expect(try database.record(cycle: Self.cycle(at: 299_999_999_999, "queued")).isEmpty)
        #expect(try database.record(cycle: Self.cycle(at: 300_000_000_001, "queued")).map(\.to) == ["queued"])
    }

    /// A clock pinned to one second (as tests pin it) still orders a process's looks, so
    /// a later cycle at that second records what changed.
    @Test func aPinnedClockStillOrdersEachLook() {
        let clock = ObservationClock(unixSeconds: { 5000 })
        let looks = (0..<3).map { _ in clock.now() }
        #expect(looks == looks.sorted() && Set(looks).count == 3)
        #expect(looks.allSatisfy { $0.unixSeconds == 5000 })
        let steppingBack = Locked<Int64>(10)
        let wall = ObservationClock(nanoseconds: { steppingBack.withLock { $0 } })
        let first = wall.now()
        steppingBack.withLock { $0 = 5 }
        #expect(wall.now() > first)
        #expect(ObservedInstant(nanoseconds: -1).unixSeconds == -1)
        #expect(ObservedInstant(nanoseconds: 1_999_999_999).unixSeconds == 1)
    }
}
