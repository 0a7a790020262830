import Testing

@testable import FTDModel
@testable import FTDPostgres

/// How a cycle's events are cut into statements on PostgreSQL: by count, and by the text
/// they bind, so that an API sending huge messages never builds a statement past the
/// server's 1 GB; each job's events oldest first, none lost or doubled at a cut.
struct PostgresEventBatchTests {
    static func events(_ job: String, _ numbers: ClosedRange<Int>, message: String = "m") -> [JobEvent] {
        // Newest first, as the API sends them.
        numbers.reversed().map {
            JobEvent(id: "ev-\(job)-\($0)", jobID: job, createdAt: Int64($0), message: message)
        }
    }

    @Test func aBatchIsCutAtItsRowCount() {
        let batches = EventBatch.batches(
            [("a", Self.events("a", 1...5)), ("b", Self.events("b", 1...2))], rows: 3)
        #expect(batches.map(\.count) == [3, 3, 1])
        #expect(batches.flatMap(\.ids) == (1...5).map { "ev-a-\($0)" } + ["ev-b-1", "ev-b-2"])
        #expect(batches.flatMap(\.jobIDs) == Array(repeating: "a", count: 5) + ["b", "b"])
    }

    @Test func aBatchIsCutOnceItsTextReachesTheBound() {
        let big = String(repeating: "x", count: 1_000)
        let batches = EventBatch.batches(
            [("a", Self.events("a", 1...10, message: big))], rows: 10_000, bytes: 2_500)
        // Each event binds a little over 1,000 bytes: the third reaches 2,500.
        #expect(batches.map(\.count) == [3, 3, 3, 1])
        #expect(batches.dropLast().allSatisfy { $0.bytes >= 2_500 })
        #expect(batches.flatMap(\.ids) == (1...10).map { "ev-a-\($0)" })
    }

    @Test func oneEventLargerThanTheBoundIsABatchOfItsOwn() {
        let huge = String(repeating: "é", count: 2_000)  // 4,000 bytes
        let batches = EventBatch.batches([("a", Self.events("a", 1...3, message: huge))], bytes: 1_000)
        #expect(batches.map(\.count) == [1, 1, 1])
    }
}
