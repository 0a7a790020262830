import FTDAPI
import FTDConfig
import FTDDaemon
import FTDEngine
import FTDModel
import FTDStore
import Foundation
import Testing

/// The jobs webhooks hand to an account's poller (SPEC section 9): queued without waiting,
/// coalesced, bounded, and synced by the poller between its cycles, one at a time.
@Suite(.timeLimit(.minutes(1))) struct JobSyncQueueTests {
    @Test func aJobAlreadyWaitingIsNotQueuedTwice() {
        let queue = JobSyncQueue()
        #expect(queue.request("ftjob-a") == .queued)
        #expect(queue.request("ftjob-b") == .queued)
        #expect(queue.request("ftjob-a") == .coalesced)
        #expect(queue.count == 2)
        let taken = queue.take()
        #expect(taken.ids == ["ftjob-a", "ftjob-b"])
        #expect(taken.dropped == 0)
        // Taken is no longer waiting: the next webhook about it queues it again.
        #expect(queue.request("ftjob-a") == .queued)
        #expect(queue.take().ids == ["ftjob-a"])
        #expect(queue.take().ids.isEmpty)
    }

    @Test func aFloodIsTurnedAwayPastTheBoundAndCounted() {
        let queue = JobSyncQueue(capacity: 3)
        for index in 0..<1_000 { queue.request("ftjob-\(index)") }
        #expect(queue.count == 3)
        // A job already waiting is still coalesced, not counted as turned away.
        #expect(queue.request("ftjob-0") == .coalesced)
        #expect(queue.request("ftjob-new") == .full)
        let taken = queue.take()
        #expect(taken.ids == ["ftjob-0", "ftjob-1", "ftjob-2"])
        #expect(taken.dropped == 998)
        #expect(queue.take().dropped == 0)
        #expect(queue.request("ftjob-new") == .queued)
    }

    // MARK: - The poller

    /// An API whose `retrieveJob` (a webhook's sync) waits until released while `held`, and
    /// which counts how many run at once.
    actor GatedAPI: FineTuningAPI {
        let inner: ScriptedAPI
        private(set) var held: Bool
        private(set) var inFlight = 0
        private(set) var mostAtOnce = 0
        private(set) var retrieved: [String] = []
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(_ inner: ScriptedAPI, held: Bool = false) {
            self.inner = inner
            self.held = held
        }

        func release() {
            held = false
            for continuation in waiting { continuation.resume() }
            waiting = []
        }

        func retrieveJob(id: String) async throws -> FineTuningJob {
            inFlight += 1
            mostAtOnce = max(mostAtOnce, inFlight)
            retrieved.append(id)
            defer { inFlight -= 1 }
            if held { await withCheckedContinuation { waiting.append($0) } }
            return try await inner.retrieveJob(id: id)
        }

        func listJobs(after: String?, limit: Int) async throws -> ListPage<FineTuningJob> {
            try await inner.listJobs(after: after, limit: limit)
        }
        func listEvents(jobID: String, after: String?, limit: Int) async throws -> ListPage<JobEvent> {
            try await inner.listEvents(jobID: jobID, after: after, limit: limit)
        }
        func listCheckpoints(jobID: String, after: String?, limit: Int) async throws -> ListPage<Checkpoint> {
            try await inner.listCheckpoints(jobID: jobID, after: after, limit: limit)
        }
    }

    /// A poller whose timer ticks once at the start and then not for an hour: whatever
    /// happens after the first cycle is the webhooks' doing.
    struct Scene {
        let scripted = ScriptedAPI()
        let api: GatedAPI
        let store: SQLiteStore
        let poller: PollerService
        let ticks: AsyncStream<PollerService.Tick>
        let syncs: AsyncStream<PollerService.Sync>
        /// Cycles reported so far.
        let cycles = Locked(0)

        init(held: Bool = false, capacity: Int = JobSyncQueue.defaultCapacity) throws {
            api = GatedAPI(scripted, held: held)
            var configuration = Configuration(storage: StorageSettings(database: "/tmp/unused.sqlite3"))
            configuration.poll.interval = 3600
            configuration.poll.idleInterval = 3600
            store = SQLiteStore(try AppDatabase.inMemory())
            let cycle = PollCycle(api: api, store: store, logger: .quiet)
            let dispatcher = HookDispatcher(
                outbox: store, runner: HookRunner(apiKeyVariable: "K", logger: .quiet), hooks: [],
                databasePath: "/tmp/unused.sqlite3", logger: .quiet)
            let live = LiveConfiguration(
                .init(configuration: configuration, cycle: cycle, dispatcher: dispatcher))
            let (ticks, tick) = AsyncStream<PollerService.Tick>.makeStream()
            let (syncs, synced) = AsyncStream<PollerService.Sync>.makeStream()
            self.ticks = ticks
            self.syncs = syncs
            let cycles = cycles
            poller = PollerService(
                live: live, logger: .quiet, syncs: JobSyncQueue(capacity: capacity),
                onCycle: {
                    cycles.withLock { $0 += 1 }
                    tick.yield($0)
                },
                onSync: { synced.yield($0) })
        }
    }

    /// Waits (without a timed assertion) until `condition` holds.
    static func until(_ what: String, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while await !condition() {
            guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    struct TimedOut: Error { var what: String }

    @Test func aWebhookSyncRunsAtOnceBetweenCyclesAndIsNotReportedAsACycle() async throws {
        let scene = try Scene()
        await scene.scripted.add(job: "ftjob-a", status: "running", createdAt: 100)
        let task = Task { try await scene.poller.run() }
        defer { task.cancel() }
        var ticks = scene.ticks.makeAsyncIterator()
        var syncs = scene.syncs.makeAsyncIterator()
        let baseline = try #require(await ticks.next())
        #expect(baseline.report?.recorded == true)

        await scene.scripted.set(status: "succeeded", of: "ftjob-a")
        #expect(scene.poller.requestSync("ftjob-a") == .queued)
        let sync = try #require(await syncs.next())
        #expect(sync.account == DefaultAccount.name)
        #expect(sync.jobID == "ftjob-a")
        #expect(sync.transitions.map(\.to) == ["succeeded"])
        #expect(
            try await scene.store.knownJobs(account: sync.account, ids: ["ftjob-a"])["ftjob-a"]?.status
                == "succeeded")
        // A job the database never saw is retrieved too; one the API does not know is
        // left to the cycles, and the poller goes on.
        await scene.scripted.add(job: "ftjob-new", status: "queued", createdAt: 200)
        scene.poller.requestSync("ftjob-missing")
        scene.poller.requestSync("ftjob-new")
        let missing = try #require(await syncs.next())
        #expect(missing.jobID == "ftjob-missing")
        #expect(throws: APIError.self) { try missing.result.get() }
        let new = try #require(await syncs.next())
        #expect(new.jobID == "ftjob-new")
        #expect(try new.result.get().job.status == "queued")
        #expect(new.transitions.map(\.to) == ["queued"])
        // No cycle ran for any of them: the timer's next tick is an hour away.
        #expect(await scene.api.retrieved == ["ftjob-a", "ftjob-missing", "ftjob-new"])
        #expect(scene.cycles.withLock { $0 } == 1)
    }

    @Test func aWebhookDuringASyncWaitsForItAndDuplicatesFoldIntoOne() async throws {
        let scene = try Scene(held: true)
        await scene.scripted.add(job: "ftjob-a", status: "running", createdAt: 100)
        await scene.scripted.add(job: "ftjob-b", status: "running", createdAt: 101)
        let task = Task { try await scene.poller.run() }
        defer { task.cancel() }
        var ticks = scene.ticks.makeAsyncIterator()
        _ = try #require(await ticks.next())

        scene.poller.requestSync("ftjob-a")
        try await Self.until("the first sync to start") { await scene.api.inFlight == 1 }
        // While it runs (held): the requests return at once, as the web server needs.
        #expect(scene.poller.requestSync("ftjob-a") == .queued)  // its sync may predate the change
        #expect(scene.poller.requestSync("ftjob-b") == .queued)
        for _ in 0..<50 { #expect(scene.poller.requestSync("ftjob-a") == .coalesced) }
        #expect(scene.poller.requestSync("ftjob-b") == .coalesced)
        #expect(scene.poller.syncs.count == 2)
        await scene.api.release()

        var order: [String] = []
        for await sync in scene.syncs {
            order.append(sync.jobID)
            if order.count == 3 { break }
        }
        #expect(order == ["ftjob-a", "ftjob-a", "ftjob-b"])
        #expect(await scene.api.mostAtOnce == 1)
        #expect(scene.poller.syncs.count == 0)
        #expect(scene.cycles.withLock { $0 } == 1)
    }

    @Test func aFloodWhileASyncRunsKeepsTheQueueBoundedAndThePollerWorking() async throws {
        let scene = try Scene(held: true, capacity: 8)
        await scene.scripted.add(job: "ftjob-a", status: "running", createdAt: 100)
        let task = Task { try await scene.poller.run() }
        defer { task.cancel() }
        var ticks = scene.ticks.makeAsyncIterator()
        _ = try #require(await ticks.next())

        scene.poller.requestSync("ftjob-a")
        try await Self.until("the first sync to start") { await scene.api.inFlight == 1 }
        for index in 0..<10_000 { scene.poller.requestSync("ftjob-flood-\(index)") }
        #expect(scene.poller.syncs.count == 8)
        await scene.api.release()
        var seen = 0
        for await _ in scene.syncs {
            seen += 1
            if seen == 9 { break }
        }
        try await Self.until("the queue to drain") { scene.poller.syncs.count == 0 }
        #expect(await scene.api.retrieved.count == 9)
        #expect(await scene.api.mostAtOnce == 1)
    }
}
