import AsyncHTTPClient
import FTDAPI
import FTDConfig
import FTDEngine
import FTDSimulator
import FTDStore
import Foundation
import Logging
import Testing

/// The fault matrix of docs/reliability.md (issue 5, item 1): each fault a real API, proxy
/// or network produces, injected into the simulator, against the real client, cycle and
/// database. Each case says what ftd did and what it recorded. Faults of the data itself
/// (a list that grows while paged, a status that moves backwards, a job that vanishes) are
/// played by the scripted API, which can order them exactly.
@Suite(.timeLimit(.minutes(3))) struct FaultMatrixTests {
    struct Scene {
        let simulator: FineTuningSimulator
        var cycle: PollCycle
        let store: AppDatabase

        var events: Int {
            get throws {
                try store.jobSummaries().reduce(0) { $0 + (try store.jobDetail(id: $1.id).events.count) }
            }
        }
    }

    /// The Elle job, running (steps and events on the way), on a manual clock; fast
    /// retries so that a case takes seconds.
    static func scene(
        maxRetries: Int = 2, timeout: Double = 5, baseURL: String? = nil,
        _ body: (inout Scene) async throws -> Void
    ) async throws {
        let simulator = FineTuningSimulator(
            configuration: SimulatorConfiguration(clock: .manual(start: 1_750_000_000), scenario: .elle),
            logger: .quiet)
        try await simulator.start()
        var settings = APISettings()
        let simulatorURL = await simulator.baseURL
        settings.baseURL = baseURL ?? simulatorURL
        settings.maxRetries = maxRetries
        settings.requestTimeout = timeout
        let api = OpenAIClient(
            settings: settings, apiKey: "sk-matrix", httpClient: .tests, logger: .quiet,
            retryPolicy: RetryPolicy(maxRetries: maxRetries, baseDelay: 0.05, maxDelay: 0.2))
        let store = try AppDatabase.inMemory()
        await simulator.advanceClock(by: 100)  // running, with steps
        var scene = Scene(
            simulator: simulator, cycle: PollCycle(api: api, store: SQLiteStore(store), logger: .quiet),
            store: store)
        do {
            try await body(&scene)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    /// One cycle with the fault, then (faults gone) one without: the second must leave the
    /// database as complete as a fault-free run.
    static func completesDespite(_ rule: FaultRule, seconds minimum: Double = 0) async throws {
        try await scene { scene in
            await scene.simulator.addFault(rule)
            let started = ContinuousClock.now
            let report = try await scene.cycle.run()
            #expect(report.failures.isEmpty, "\(report.failures)")
            #expect(report.recorded)
            #expect(ContinuousClock.now - started >= .milliseconds(Int64(minimum * 1000)))
            #expect(try scene.events > 0)
        }
    }

    // MARK: 429s and retry headers

    @Test func a429WithRetryAfterIsWaitedOutAndTheCycleCompletes() async throws {
        try await Self.completesDespite(
            FaultRule(kind: .status(429, retryAfter: "1"), pathContains: "/fine_tuning/jobs?"), seconds: 0.9)
    }

    @Test func a429WithRetryAfterMsIsWaitedOut() async throws {
        try await Self.completesDespite(
            FaultRule(kind: .status(429, retryAfterMs: "400"), pathContains: "/events"), seconds: 0.35)
    }

    @Test func a429WithAnHTTPDateRetryAfterIsWaitedOut() async throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: Date().addingTimeInterval(2))
        try await Self.completesDespite(
            FaultRule(kind: .status(429, retryAfter: date), pathContains: "/events"), seconds: 0.5)
    }

    @Test func aRetryAfterOver120SecondsFallsBackToTheBackoff() async throws {
        try await Self.scene { scene in
            await scene.simulator.addFault(
                FaultRule(kind: .status(429, retryAfter: "600"), pathContains: "/events"))
            let started = ContinuousClock.now
            let report = try await scene.cycle.run()
            #expect(report.failures.isEmpty)
            #expect(ContinuousClock.now - started < .seconds(60))  // not ten minutes
        }
    }

    @Test func xShouldRetryOverridesTheStatus() async throws {
        // A 400 is final, unless the API says to retry it.
        try await Self.completesDespite(
            FaultRule(kind: .status(400, shouldRetry: true), pathContains: "/events"))
        // A 500 is retried, unless the API says not to.
        try await Self.scene { scene in
            await scene.simulator.addFault(
                FaultRule(kind: .status(500, shouldRetry: false), pathContains: "/events"))
            let report = try await scene.cycle.run()
            #expect(report.failures.first?.httpStatus == 500)
            #expect(report.failures.first?.attempts == 1)
            #expect(report.recorded)  // the job itself is recorded; its events come next cycle
            #expect(try scene.events == 0)
            #expect(try await scene.cycle.run().failures.isEmpty)
            #expect(try scene.events > 0)
        }
    }

    @Test(arguments: [500, 502, 503])
    func aBurstOfServerErrorsIsRetriedThrough(status: Int) async throws {
        try await Self.completesDespite(FaultRule(kind: .status(status), count: 2))
    }

    // MARK: Timeouts and broken connections

    @Test(arguments: ["/fine_tuning/jobs?", "/events", "/checkpoints"])
    func aTimeoutOnAnEndpointLosesNothingAndTheNextCycleCatchesUp(path: String) async throws {
        // A timeout long enough for a loaded machine's honest answers (2 s was not, on a
        // machine building beside the tests), a delay well past it.
        try await Self.scene(maxRetries: 1, timeout: 5) { scene in
            // A finished job: its checkpoints are read.
            if path == "/checkpoints" { await scene.simulator.advanceClock(by: 3600) }
            await scene.simulator.addFault(FaultRule(kind: .delay(15), pathContains: path, count: 2))
            let report = try await scene.cycle.run()
            #expect(report.failures.first?.kind == .timeout, "\(report.failures)")
            #expect(report.recorded == (path != "/fine_tuning/jobs?"))
            let again = try await scene.cycle.run()
            #expect(again.failures.isEmpty, "\(again.failures)")
            #expect(try scene.events > 0)
            if path == "/checkpoints" {
                let id = try #require(try scene.store.jobSummaries().first?.id)
                #expect(try scene.store.jobDetail(id: id).checkpoints.count == 3)
            }
        }
    }

    @Test func aRefusedConnectionIsReportedAndNothingIsRecorded() async throws {
        // A long timeout: refused is refused at once, even on a loaded machine.
        try await Self.scene(maxRetries: 1, timeout: 60, baseURL: "http://127.0.0.1:1/v1") { scene in
            let report = try await scene.cycle.run()
            #expect(report.failures.first?.kind == .transport)
            #expect(!report.recorded)
            #expect(try scene.store.jobSummaries().isEmpty)
        }
    }

    @Test func aConnectionDroppedMidBodyIsRetried() async throws {
        try await Self.completesDespite(FaultRule(kind: .truncatedBody, pathContains: "/events"))
    }

    @Test func aBodyThatIsNotJSONIsRetried() async throws {
        try await Self.completesDespite(FaultRule(kind: .malformedBody, pathContains: "/fine_tuning/jobs?"))
    }

    @Test func jsonOfTheWrongShapeThatPersistsKeepsTheRestAndIsFetchedLater() async throws {
        try await Self.scene { scene in
            await scene.simulator.addFault(FaultRule(kind: .wrongShape, pathContains: "/events", count: .max))
            let report = try await scene.cycle.run()
            #expect(report.failures.first?.kind == .malformedResponse)
            #expect(try scene.store.jobSummaries().count == 1)
            #expect(try scene.events == 0)
            await scene.simulator.clearFaults()
            #expect(try await scene.cycle.run().failures.isEmpty)
            #expect(try scene.events > 0)
        }
    }

    @Test func aNextPageThat404sDropsTheWholeBatchNotHalfOfIt() async throws {
        try await Self.scene { scene in
            scene.cycle.pageSizes.events = 5
            await scene.simulator.addFault(
                FaultRule(kind: .status(404), pathContains: "/events?after=", count: .max))
            let report = try await scene.cycle.run()
            #expect(report.failures.first?.httpStatus == 404)
            #expect(try scene.events == 0)  // page one alone would leave a gap behind it
            await scene.simulator.clearFaults()
            #expect(try await scene.cycle.run().failures.isEmpty)
            let id = try #require(try scene.store.jobSummaries().first?.id)
            let events = try scene.store.jobDetail(id: id).events
            #expect(events.count > 5)
            #expect(Set(events.map(\.id)).count == events.count)
        }
    }

    @Test func aKeyRevokedMidRunStopsTheCycleAtOnceAndKeepsWhatWasRecorded() async throws {
        try await Self.scene { scene in
            #expect(try await scene.cycle.run().failures.isEmpty)
            let before = try scene.events
            await scene.simulator.revokeKey("sk-matrix")
            await scene.simulator.resetRequestLog()
            await scene.simulator.advanceClock(by: 60)
            let report = try await scene.cycle.run()
            #expect(report.credentialsRejected)
            #expect(await scene.simulator.requestLog().count == 1)  // no retry of a rejected key
            #expect(try scene.events == before)
        }
    }

    // MARK: The data itself

    @Test func aListThatGrowsWhileItIsPagedLosesNoJob() async throws {
        let api = ScriptedAPI()
        let store = try AppDatabase.inMemory()
        var cycle = PollCycle(api: api, store: SQLiteStore(store), logger: .quiet)
        cycle.pageSizes.jobs = 2
        for number in 1...5 {
            await api.add(job: "ftjob-\(number)", status: "succeeded", createdAt: Int64(number))
        }
        await api.arriveDuringPaging(job: "ftjob-new", status: "queued", createdAt: 100)
        let baseline = try await cycle.run()
        #expect(baseline.failures.isEmpty)
        #expect(Set(baseline.transitions.map(\.jobID)).count == baseline.transitions.count)
        let next = try await cycle.run()
        let ids = try store.jobSummaries().map(\.id)
        #expect(Set(ids) == Set((1...5).map { "ftjob-\($0)" } + ["ftjob-new"]))
        #expect(next.transitions.map(\.jobID) == ["ftjob-new"])  // seen after the baseline: fires hooks
        #expect(next.transitions.first?.isBaseline == false)
    }

    @Test func aStatusThatMovesBackwardsIsATransitionLikeAnyOther() async throws {
        let api = ScriptedAPI()
        let store = try AppDatabase.inMemory()
        let cycle = PollCycle(api: api, store: SQLiteStore(store), logger: .quiet)
        await api.add(job: "ftjob-a", status: "running", createdAt: 1)
        _ = try await cycle.run()
        await api.set(status: "paused", of: "ftjob-a")
        _ = try await cycle.run()
        await api.set(status: "queued", of: "ftjob-a")  // resumed: back in the queue
        let report = try await cycle.run()
        #expect(report.transitions.map { "\($0.from ?? "") → \($0.to)" } == ["paused → queued"])
        #expect(try store.jobDetail(id: "ftjob-a").transitions.map(\.to) == ["running", "paused", "queued"])
    }
}
