import Testing

@testable import FTDStore

/// The store reads at most 11 candidates for an ambiguous id: the message lists 10 and says
/// there are more, rather than claiming exactly 11.
struct AmbiguousJobMessageTests {
    @Test func elevenCandidatesReadAsMoreThanTen() throws {
        let database = try AppDatabase.inMemory()
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 1,
                jobs: (1...14).map { StoreSample.job("ftjob-x\($0 < 10 ? "0" : "")\($0)", "queued") }))
        #expect {
            try database.resolveJob("ftjob-x")
        } throws: { error in
            let text = "\(error)"
            return text.contains("matches more than 10 jobs: ftjob-x01, ") && text.contains("ftjob-x10, …")
                && !text.contains("ftjob-x11")
        }
    }

    @Test func aFewCandidatesAreCountedExactly() {
        let text = "\(StoreError.ambiguousJob(input: "ab", candidates: ["ftjob-ab1", "ftjob-ab2"]))"
        #expect(text == "\"ab\" matches 2 jobs: ftjob-ab1, ftjob-ab2; type more of the id")
    }
}
