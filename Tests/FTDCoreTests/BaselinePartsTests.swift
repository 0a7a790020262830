import FTDAPI
import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
import Logging
import Testing

/// A first sync of a large account is committed in parts, so that a million events are
/// never held in memory at once; only its last part completes the baseline.
struct BaselinePartsTests {
    /// Passes everything to the database, noting what each `record(cycle:)` carried; with
    /// `failingAt`, that call (counted from 1) throws instead, as a full disk would.
    struct RecordingStore: PollStore {
        struct Part: Sendable {
            var jobs: [String]
            var events: Int
            var completesBaseline: Bool
        }

        let database: AppDatabase
        var failingAt: Int?
        let parts = Locked<[Part]>([])

        func baselineCompleted(account: String) throws -> Bool {
            try database.baselineCompleted(account: account)
        }
        func knownJobs(account: String, ids: [String]) throws -> [String: KnownJob] {
            try database.knownJobs(account: account, ids: ids)
        }
        func jobsNeedingSync(account: String) throws -> [KnownJob] {
            try database.jobsNeedingSync(account: account)
        }
        func storedEventIDs(job: JobKey, among eventIDs: [String]) throws -> Set<String> {
            try database.storedEventIDs(job: job, among: eventIDs)
        }
        func eventResumeCursor(job: JobKey) throws -> String? {
            try database.eventResumeCursor(job: job)
        }
        func recordCycle(_ cycle: CycleRecord, rule: TransitionRule) throws -> RecordedCycle {
            let count = parts.withLock { parts in
                parts.append(
                    Part(
                        jobs: cycle.jobs.map(\.id), events: cycle.events.values.map(\.count).reduce(0, +),
                        completesBaseline: cycle.completesBaseline))
                return parts.count
            }
            if count == failingAt { throw StoreError.full(path: "test", detail: "disk full") }
            return try database.recordCycle(cycle, rule: rule)
        }
    }

    static func account(jobs: Int, eventsEach: Int) async -> ScriptedAPI {
        let api = ScriptedAPI()
        for number in 1...jobs {
            await api.add(job: "ftjob-\(number)", status: "succeeded", createdAt: Int64(number))
            for event in 1...eventsEach { await api.emit("event \(event)", job: "ftjob-\(number)") }
        }
        return api
    }

    static func cycle(_ api: ScriptedAPI, _ store: RecordingStore, hooks: [HookSettings] = []) -> PollCycle {
        var cycle = PollCycle(api: api, store: store, logger: Logger.quiet, now: { 5000 })
        cycle.baselinePartEvents = 4
        cycle.hooks = hooks
        return cycle
    }

    @Test func theBaselineIsCommittedInPartsAndCompletedByTheLast() async throws {
        let api = await Self.account(jobs: 6, eventsEach: 3)
        let store = RecordingStore(database: try AppDatabase.inMemory())
        let report = try await Self.cycle(api, store).run()

        let parts = store.parts.withLock { $0 }
        #expect(parts.count >= 3)
        #expect(parts.dropLast().allSatisfy { !$0.completesBaseline && $0.events >= 4 })
        #expect(parts.last?.completesBaseline == true)
        let recorded = parts.flatMap(\.jobs)
        #expect(recorded.sorted() == (1...6).map { "ftjob-\($0)" }.sorted())
        #expect(parts.map(\.events).reduce(0, +) == 18)
        #expect(report.transitions.count == 6 && report.transitions.allSatisfy { $0.isBaseline })
        #expect(try store.database.baselineCompleted())
        #expect(try store.database.jobSummaries().count == 6)
        for number in 1...6 {
            #expect(try store.database.jobDetail(id: "ftjob-\(number)").events.count == 3)
        }

        // After the baseline a cycle is one transaction again, however much it brings.
        await api.add(job: "ftjob-7", status: "succeeded", createdAt: 7)
        for event in 1...9 { await api.emit("event \(event)", job: "ftjob-7") }
        store.parts.withLock { $0 = [] }
        _ = try await Self.cycle(api, store).run()
        #expect(store.parts.withLock { $0.count } == 1)
    }

    @Test func aBaselineCutShortIsFinishedByTheNextCycleWithoutFiringHooks() async throws {
        let api = await Self.account(jobs: 6, eventsEach: 3)
        let database = try AppDatabase.inMemory()
        let hooks = [HookSettings(name: "notify", on: ["*"], command: .argv(["/bin/true"]))]
        var failing = RecordingStore(database: database)
        failing.failingAt = 2
        await #expect(throws: StoreError.self) { try await Self.cycle(api, failing, hooks: hooks).run() }
        #expect(try !database.baselineCompleted())
        let stored = try database.jobSummaries().count
        #expect(stored > 0 && stored < 6)

        let report = try await Self.cycle(api, RecordingStore(database: database), hooks: hooks).run()
        #expect(try database.baselineCompleted())
        #expect(try database.jobSummaries().count == 6)
        // The jobs of the first part were already stored: no transition; the rest are baseline.
        #expect(report.transitions.count == 6 - stored)
        #expect(report.transitions.allSatisfy { $0.isBaseline })
        #expect(try database.pendingDeliveries().isEmpty)
        for number in 1...6 {
            #expect(try database.jobDetail(id: "ftjob-\(number)").events.count == 3)
        }
    }
}
