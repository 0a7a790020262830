import Foundation
import Testing

@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// Values the API may send that one backend could refuse and another keep: a cycle that
/// carries them must be recorded, and what it says kept.
extension StoreConformanceTests {
    /// The API's text as the decoders give it: an event's message and a bare-string error
    /// keep a NUL, which PostgreSQL refuses in text (SQLite keeps what precedes it).
    @Test(arguments: StoreBackend.all)
    func aNULInAMessageIsRecordedAndFailsNoCycle(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        let job = try FineTuningJob(
            json: .object([
                "id": .string("ftjob-a"), "status": .string("failed"), "error": .string("bare\u{0}error"),
            ]))
        let event = try JobEvent(
            json: .object([
                "id": .string("ev-1"), "created_at": .int(10), "message": .string("hello\u{0}world"),
                "data": .object(["note": .string("a\u{0}b")]),
            ]), jobID: "ftjob-a")
        var record = Self.cycle(100, [job])
        record.events["ftjob-a"] = [event]
        _ = try await store.record(cycle: record, rule: Self.rule)

        let detail = try await store.jobDetail(id: "ftjob-a", latestEvents: nil)
        #expect(detail.events.map(\.id) == ["ev-1"])
        #expect(detail.events.first?.message.hasPrefix("hello") == true)
        #expect(detail.summary.error?.message?.hasPrefix("bare") == true)
        #expect(detail.events.first?.data == event.data)
    }

    /// Numbers at the edges of what the columns hold.
    @Test(arguments: StoreBackend.all)
    func numbersAtTheEdgesAreKept(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        var record = Self.cycle(100, [S.job("ftjob-a", "running", trainedTokens: Int64.max)])
        record.steps = [
            LossStep(
                jobID: "ftjob-a", step: Int(Int32.max) + 1, totalSteps: Int(Int64.max), trainLoss: -0.0,
                trainMeanTokenAccuracy: .greatestFiniteMagnitude, validLoss: .leastNonzeroMagnitude)
        ]
        _ = try await store.record(cycle: record, rule: Self.rule)
        let detail = try await store.jobDetail(id: "ftjob-a", latestEvents: nil)
        #expect(detail.summary.trainedTokens == Int64.max)
        #expect(detail.steps.map(\.step) == [Int(Int32.max) + 1])
        #expect(detail.steps.map(\.totalSteps) == [Int(Int64.max)])
        #expect(detail.steps.map(\.validLoss) == [.leastNonzeroMagnitude])
        #expect(detail.steps.map(\.trainMeanTokenAccuracy) == [.greatestFiniteMagnitude])
    }

    /// Two ids that differ only by canonical equivalence are two jobs, as the API's bytes
    /// say: Swift's `==` calls them equal, SQLite's and PostgreSQL's `C` collation do not.
    /// (Their events cannot be told apart: `CycleRecord.events` is keyed by `String`.)
    @Test(arguments: StoreBackend.all)
    func idsEqualOnlyByCanonicalEquivalenceAreTwoJobs(_ backend: StoreBackend) async throws {
        let store = try await backend.make().store
        let composed = "ftjob-\u{E9}"
        let decomposed = "ftjob-e\u{301}"
        var record = Self.cycle(100, [S.job(composed, "running"), S.job(decomposed, "queued")])
        record.steps = [
            LossStep(jobID: composed, step: 1, trainLoss: 1),
            LossStep(jobID: decomposed, step: 1, trainLoss: 2),
        ]
        _ = try await store.record(cycle: record, rule: Self.rule)
        let ids = try await store.jobSummaries(status: nil, account: nil, limit: nil).map(\.id)
        #expect(
            ids.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
                == [Array(decomposed.utf8), Array(composed.utf8)].sorted { $0.lexicographicallyPrecedes($1) })
        for (id, loss) in [(composed, 1.0), (decomposed, 2.0)] {
            let detail = try await store.jobDetail(
                job: JobKey(account: DefaultAccount.name, id: id), latestEvents: nil, steps: .all)
            #expect(Array(detail.summary.id.utf8) == Array(id.utf8))
            #expect(detail.steps.map(\.trainLoss) == [loss], "\(id.unicodeScalars.count)")
        }
    }
}
