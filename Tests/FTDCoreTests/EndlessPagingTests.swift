import Foundation
import Logging
import Testing

@testable import FTDAPI
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// Issue 19, item 3: lists that never end. A list whose `has_more` stays true with the
/// same cursor made `ftd run --once` loop forever; one that returns fresh ids forever grew
/// memory without limit. Every list's paging now ends, and a job's events past the page
/// budget are read by the next cycles.
@Suite("Paging that never ends")
struct EndlessPagingTests {
    /// A server that pages forever: the same page (`repeating`) or fresh ids each time.
    actor EndlessAPI: FineTuningAPI {
        enum Mode { case repeating, fresh }
        let jobs: Mode?
        let events: Mode?
        let checkpoints: Mode?
        private(set) var requests = 0
        private var counter = 0

        init(jobs: Mode? = nil, events: Mode? = nil, checkpoints: Mode? = nil) {
            self.jobs = jobs
            self.events = events
            self.checkpoints = checkpoints
        }

        private func next(_ mode: Mode) -> Int {
            counter += 1
            return mode == .repeating ? 0 : counter
        }

        func listJobs(after: String?, limit: Int) -> ListPage<FineTuningJob> {
            requests += 1
            guard let jobs else {
                return ListPage(
                    data: [FineTuningJob(id: "ftjob-1", status: "succeeded", createdAt: 1)], hasMore: false)
            }
            let number = next(jobs)
            return ListPage(
                data: [FineTuningJob(id: "ftjob-\(number)", status: "succeeded", createdAt: 1)], hasMore: true
            )
        }

        func retrieveJob(id: String) -> FineTuningJob {
            requests += 1
            return FineTuningJob(id: id, status: "running")
        }

        func listEvents(jobID: String, after: String?, limit: Int) -> ListPage<JobEvent> {
            requests += 1
            guard let events else { return ListPage(data: [], hasMore: false) }
            let number = next(events)
            return ListPage(
                data: [JobEvent(id: "ev-\(number)", jobID: jobID, createdAt: 1, message: "m")], hasMore: true)
        }

        func listCheckpoints(jobID: String, after: String?, limit: Int) -> ListPage<Checkpoint> {
            requests += 1
            guard let checkpoints else { return ListPage(data: [], hasMore: false) }
            let number = next(checkpoints)
            return ListPage(data: [Checkpoint(id: "ck-\(number)", jobID: jobID)], hasMore: true)
        }
    }

    static func cycle(_ api: EndlessAPI, store: AppDatabase) -> PollCycle {
        var cycle = PollCycle(api: api, store: SQLiteStore(store), logger: Logger.quiet, now: { 5000 })
        cycle.pageLimits.jobs = 50
        cycle.pageLimits.events = 20
        cycle.pageLimits.checkpoints = 10
        return cycle
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var list: String
        var api: @Sendable () -> EndlessAPI
        /// The most requests one cycle may make against it.
        var bound: Int
        var testDescription: String { list }
    }

    @Test(arguments: [
        Case(list: "jobs, same cursor", api: { EndlessAPI(jobs: .repeating) }, bound: 3),
        Case(list: "jobs, fresh ids", api: { EndlessAPI(jobs: .fresh) }, bound: 51),
        Case(list: "events, same cursor", api: { EndlessAPI(events: .repeating) }, bound: 4),
        Case(list: "events, fresh ids", api: { EndlessAPI(events: .fresh) }, bound: 40),
        Case(list: "checkpoints, same cursor", api: { EndlessAPI(checkpoints: .repeating) }, bound: 5),
        Case(list: "checkpoints, fresh ids", api: { EndlessAPI(checkpoints: .fresh) }, bound: 15),
    ])
    func aCycleEndsAndSaysWhy(_ example: Case) async throws {
        let api = example.api()
        let store = try AppDatabase.inMemory()
        let report = try await Self.cycle(api, store: store).run()
        let requests = await api.requests
        #expect(requests <= example.bound, "\(requests) requests")
        if example.list.hasPrefix("events, fresh") {
            // Not an error: the events read so far are kept, and the next cycle reads on.
            #expect(report.failures.isEmpty, "\(report.failures)")
            #expect(try store.eventResumeCursor(jobID: "ftjob-1") != nil)
        } else {
            let failure = try #require(report.failures.first)
            #expect(failure.kind == .malformedResponse)
            #expect(failure.message.contains("stopped paging it this cycle"), "\(failure.message)")
        }
    }

    /// A real job with more events than one cycle's budget: the newest are stored at once,
    /// the rest by the following cycles, and the job's final sync completes only then.
    @Test func aJobsEventsPastTheBudgetAreReadByTheNextCycles() async throws {
        let api = ScriptedAPI()
        let store = try AppDatabase.inMemory()
        let records = LogRecords()
        let logger = Logger(label: "test", factory: { _ in CapturingLogHandler(records: records) })
        var cycle = PollCycle(api: api, store: SQLiteStore(store), logger: logger, now: { 5000 })
        cycle.pageSizes.events = 100
        cycle.pageLimits.events = 5
        await api.add(job: "ftjob-long", status: "succeeded", createdAt: 1)
        for number in 1...1_250 {
            await api.emit("message \(number)", job: "ftjob-long", at: Int64(number))
        }
        var stored: [Int] = []
        var cursors: [Bool] = []
        for _ in 0..<4 {
            let report = try await cycle.run()
            #expect(report.failures.isEmpty)
            stored.append(try store.jobDetail(id: "ftjob-long").events.count)
            cursors.append(try store.eventResumeCursor(jobID: "ftjob-long") != nil)
        }
        // A later cycle spends one page of its budget on the top of the list, then reads on.
        #expect(stored == [500, 900, 1_250, 1_250])
        #expect(cursors == [true, true, false, false])
        // The log says a job is read in parts, and when it is whole.
        let notes = records.all.map(\.text)
        #expect(notes.filter { $0.contains("the older ones are read by the next cycles") }.count == 2)
        #expect(notes.filter { $0.contains("every event is read now") }.count == 1)
        // Every event once, in the order they happened, and the final sync done at last.
        let events = try store.jobDetail(id: "ftjob-long").events
        #expect(events.map(\.message) == (1...1_250).map { "message \($0)" })
        #expect(try store.jobsNeedingSync().isEmpty)
        // A fifth cycle costs one list page: the job is terminal and fully read.
        let before = await api.requests.count
        _ = try await cycle.run()
        #expect(await api.requests.count - before == 1)
    }

    @Test func thePagerNoticesARepeatedCursorAndABackfillSkipsStoredEvents() {
        let event = { (id: String) in JobEvent(id: id, jobID: "j", createdAt: 1, message: id) }
        var pager = EventPager()
        #expect(
            pager.take(page: ListPage(data: [event("a"), event("b")], hasMore: true), storedIDs: []) == "b")
        #expect(pager.take(page: ListPage(data: [event("b")], hasMore: true), storedIDs: []) == nil)
        #expect(pager.isRepeating)
        #expect(!pager.isComplete)

        var backfill = EventPager(stopsAtStoredEvents: false)
        #expect(
            backfill.take(page: ListPage(data: [event("x"), event("y")], hasMore: true), storedIDs: ["x"])
                == "y")
        #expect(backfill.take(page: ListPage(data: [event("z")], hasMore: false), storedIDs: []) == nil)
        #expect(backfill.newEvents.map(\.id) == ["y", "z"])
        #expect(backfill.isComplete)
    }
}
