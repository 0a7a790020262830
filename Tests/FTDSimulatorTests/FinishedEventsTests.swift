import Logging
import Testing

@testable import FTDSimulator

/// The events of finished jobs are built and written once, then paged from the cache:
/// the pages must be exactly what building them anew gives.
struct FinishedEventsTests {
    /// A seeded simulator state with `jobs` finished jobs of `steps` steps each.
    static func state(finishedJobs jobs: Int, steps: Int) async -> SimulatorState {
        var configuration = SimulatorConfiguration(clock: .manual(start: 1_715_566_184), scenario: .empty)
        configuration.finishedJobs = jobs
        configuration.finishedJobSteps = steps
        let state = SimulatorState(configuration: configuration, logger: Logger(label: "test"))
        await state.seed(configuration)
        return state
    }

    @Test func cachedPagesAreThePagesBuiltAnew() async throws {
        let state = await Self.state(finishedJobs: 2, steps: 301)
        for job in await state.jobs.values {
            let now = await state.now
            let newestFirst = Array(JobTimeline(job: job).events(at: now).reversed())
            #expect(newestFirst.count > 301)
            var after: String?
            var pages = 0
            repeat {
                let text = try await state.events(of: job.id, after: after, limit: "100")
                let expected = Pagination(after: after, limit: "100", defaultLimit: 20).page(of: newestFirst)
                {
                    $0.id
                }
                #expect(
                    text
                        == APIObjects.list(expected.items.map(APIObjects.event), hasMore: expected.hasMore)
                        .serialized)
                after = expected.hasMore ? expected.items.last?.id : nil
                pages += 1
            } while after != nil
            #expect(pages == (newestFirst.count + 99) / 100)
        }
    }

    @Test func finishedJobsHaveTheConfiguredSteps() async throws {
        let state = await Self.state(finishedJobs: 3, steps: 100)
        let steps = await state.jobs.values.map { JobTimeline(job: $0).script.totalSteps }
        #expect(steps == [100, 100, 100])
    }

    @Test func theCacheBuildsEachJobOnceAndKeepsTheMostRecentlyUsed() {
        var cache = FinishedEventsCache(capacity: 2)
        var builds: [String] = []
        func events(_ id: String) -> [TimelineEvent] {
            builds.append(id)
            return [
                TimelineEvent(
                    id: id + "-e", createdAt: 1, level: "info", message: "m", type: "message", data: .null)
            ]
        }
        _ = cache.events(of: "a") { events("a") }
        _ = cache.events(of: "b") { events("b") }
        _ = cache.events(of: "a") { events("a") }  // cached, and now the most recent
        _ = cache.events(of: "c") { events("c") }  // evicts b
        _ = cache.events(of: "a") { events("a") }
        _ = cache.events(of: "b") { events("b") }
        #expect(builds == ["a", "b", "c", "b"])
        #expect(cache.events(of: "b") { [] }.positions == ["b-e": 0])
    }

    @Test func positionsFindTheSamePagesAsAScan() {
        let items = (1...25).map { "item-\($0)" }
        let positions = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($1, $0) })
        for after in [nil, "item-1", "item-15", "item-25", "nope"] {
            let pagination = Pagination(after: after, limit: "10", defaultLimit: 20)
            let scanned = pagination.page(of: items) { $0 }
            let found = pagination.page(of: items, positions: positions)
            #expect(
                scanned.items == found.items && scanned.hasMore == found.hasMore, "after \(after ?? "nil")")
        }
    }
}
