import FTDConfig
import FTDDaemon
import FTDEngine
import FTDStore
import Foundation
import Testing

/// The poller's schedule as a reload changes it.
@Suite struct PollerServiceTests {
    func live(interval: Int, idle: Int, api: ScriptedAPI = ScriptedAPI()) throws -> LiveConfiguration {
        var configuration = Configuration(storage: StorageSettings(database: "/tmp/unused.sqlite3"))
        configuration.poll.interval = interval
        configuration.poll.idleInterval = idle
        let store = try AppDatabase.inMemory()
        let cycle = PollCycle(api: api, store: SQLiteStore(store), logger: .quiet)
        let dispatcher = HookDispatcher(
            outbox: SQLiteStore(store), runner: HookRunner(apiKeyVariable: "K", logger: .quiet), hooks: [],
            databasePath: "/tmp/unused.sqlite3", logger: .quiet)
        return LiveConfiguration(.init(configuration: configuration, cycle: cycle, dispatcher: dispatcher))
    }

    @Test func aReloadThatLengthensTheIntervalKeepsTheWatchdogFed() throws {
        let live = try live(interval: 1, idle: 1)
        let health = HealthMonitor(stallBound: 0)
        let poller = PollerService(live: live, health: health, logger: .quiet)
        health.becameReady()
        health.cycleStarted()
        health.cycleFinished(nextIn: 0)  // the next tick was due now, with no slack at all
        Thread.sleep(forTimeInterval: 0.01)
        #expect(health.action(period: 1, watchdogEnabled: true) == Heartbeat.Action.none)

        var longer = live.current
        longer.configuration.poll.interval = 3600
        longer.configuration.poll.idleInterval = 3600
        live.replace(with: longer)
        poller.settingsChanged()
        // The timer now ticks in an hour, and the deadline moved with it.
        #expect(health.action(period: 1, watchdogEnabled: true) == .ping)
    }

    @Test func theIdleIntervalFollowsACycleWithNoActiveJobAndTheIntervalOneWithSome() async throws {
        let api = ScriptedAPI()
        await api.add(job: "ftjob-a", status: "running", createdAt: 100)
        let live = try live(interval: 1, idle: 3600, api: api)
        let (ticks, continuation) = AsyncStream<PollerService.Tick>.makeStream()
        let poller = PollerService(live: live, logger: .quiet) { continuation.yield($0) }
        let task = Task { try await poller.run() }
        defer { task.cancel() }
        /// Seconds from a cycle's end to the next one's planned start.
        func gap(_ tick: PollerService.Tick) -> Int64? {
            tick.outcome.nextCycleAt.map { $0 - tick.outcome.finishedAt }
        }
        var iterator = ticks.makeAsyncIterator()

        let active = try #require(await iterator.next())
        #expect(active.report?.activeJobs == 1)
        #expect((0...1).contains(gap(active) ?? -1), "\(active.outcome)")

        await api.set(status: "succeeded", of: "ftjob-a")
        let idle = try #require(await iterator.next())  // a second later
        #expect(idle.report?.activeJobs == 0)
        #expect((3599...3600).contains(gap(idle) ?? -1), "\(idle.outcome)")
    }
}
