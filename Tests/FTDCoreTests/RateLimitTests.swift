import AsyncHTTPClient
import FTDAPI
import FTDConfig
import FTDEngine
import FTDSimulator
import FTDStore
import Foundation
import Logging
import Testing

/// Politeness under rate limits (issue 5, item 7): the pure rules, then the real client
/// against the simulator's request budget and a 429 storm.
@Suite struct RateLimitTests {
    @Test(arguments: [
        ("1s", 1.0), ("6m0s", 360), ("20ms", 0.02), ("1m30.5s", 90.5), ("2h0m0s", 7200), ("0.5", 0.5),
        ("250ms", 0.25),
    ])
    func resetDurationsReadAsTheAPIWritesThem(text: String, seconds: Double) {
        let parsed = RateLimitState.duration(text)
        #expect(parsed.map { abs($0 - seconds) < 1e-9 } == true, "\(text) → \(String(describing: parsed))")
    }

    @Test(arguments: ["", "soon", "1x", "s", "-1", "1s2"])
    func anythingElseIsNotADuration(text: String) {
        #expect(RateLimitState.duration(text) == nil)
    }

    @Test func anExhaustedBudgetHoldsTheNextRequestUntilItsReset() {
        var state = RateLimitState()
        #expect(state.reserveStart(at: 10) == 10)
        state.observe(
            status: 200,
            headers: [("x-ratelimit-remaining-requests", "3"), ("x-ratelimit-reset-requests", "9s")],
            at: 10)
        #expect(state.reserveStart(at: 10.1) == 10.1)
        state.observe(
            status: 200,
            headers: [("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "2s")],
            at: 10.2)
        #expect(state.reserveStart(at: 10.3) == 12.2)
        // An absurd reset is not believed, like a retry-after over 120 s.
        state.observe(
            status: 200,
            headers: [("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "9h")],
            at: 20)
        #expect(state.reserveStart(at: 20) == 20)
    }

    @Test func aCeilingPerMinuteSpacesTheStarts() {
        var state = RateLimitState(maxRequestsPerMinute: 120)
        let starts = (0..<4).map { _ in state.reserveStart(at: 0) }
        #expect(starts == [0, 0.5, 1.0, 1.5])
        #expect(state.reserveStart(at: 10) == 10)
    }

    @Test func consecutive429sDoubleAPauseForEveryoneUntilAnAnswerIsNot429() {
        var state = RateLimitState(maxPenalty: 4)
        _ = state.reserveStart(at: 0)
        var penalties: [Double] = []
        for _ in 0..<5 {
            state.observe(status: 429, headers: [], at: 0)
            penalties.append(state.penalty)
        }
        #expect(penalties == [0.5, 1, 2, 4, 4])
        #expect(state.reserveStart(at: 0) == 4)
        state.observe(status: 429, headers: [("retry-after", "10")], at: 5)
        #expect(state.reserveStart(at: 5) == 15)
        state.observe(status: 200, headers: [], at: 15)
        #expect(state.penalty == 0)
        #expect(state.reserveStart(at: 15) == 15)
    }

    static func withClient(
        _ configuration: SimulatorConfiguration, maxRetries: Int = 2, pacer: RequestPacer? = nil,
        _ body: (FineTuningSimulator, PollCycle) async throws -> Void
    ) async throws {
        let simulator = FineTuningSimulator(configuration: configuration, logger: .quiet)
        try await simulator.start()
        var settings = APISettings()
        settings.baseURL = await simulator.baseURL
        settings.maxRetries = maxRetries
        let api = OpenAIClient(
            settings: settings, apiKey: "sk-test", httpClient: .tests, logger: .quiet,
            retryPolicy: RetryPolicy(maxRetries: maxRetries, baseDelay: 0.2, maxDelay: 1), pacer: pacer)
        var cycle = PollCycle(api: api, store: SQLiteStore(try AppDatabase.inMemory()), logger: .quiet)
        cycle.concurrency = 1
        do {
            try await body(simulator, cycle)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    @Test func ftdWaitsOutTheAnnouncedResetInsteadOfRunningIntoA429() async throws {
        var configuration = SimulatorConfiguration(
            clock: .manual(start: 1_750_000_000), scenario: .empty, finishedJobs: 4)
        configuration.requestsPerWindow = 5
        configuration.rateLimitWindow = 2
        try await Self.withClient(configuration) { simulator, cycle in
            let started = ContinuousClock.now
            let report = try await cycle.run()  // 1 list + 2 per finished job = 9 requests
            #expect(report.failures.isEmpty)
            #expect(report.recorded)
            #expect(await simulator.requestLog().count == 9)
            #expect(await simulator.rateLimitedCount() == 0)
            // It paused for the window to reset (a lower bound: a busy machine only adds).
            #expect(ContinuousClock.now - started > .seconds(1))
        }
    }

    @Test func a429StormThinsOutTheRequestsOfEveryConcurrentJob() async throws {
        let configuration = SimulatorConfiguration(
            clock: .manual(start: 1_750_000_000), scenario: .empty, activeJobs: 8)
        try await Self.withClient(configuration, maxRetries: 4) { simulator, baseline in
            var cycle = baseline
            _ = try await cycle.run()
            cycle.concurrency = 4
            await simulator.addFault(FaultRule(kind: .status(429), pathContains: "/events", count: .max))
            await simulator.resetRequestLog()
            // Three seconds of the storm: four jobs at once, each retrying on its own
            // backoff, would send about 12 requests; paced, the first 429s hold them all.
            let storm = Task { try await cycle.run() }
            try await Task.sleep(for: .seconds(3))
            storm.cancel()
            _ = try? await storm.value
            let sent = await simulator.requestLog().filter { $0.contains("/events") }.count
            #expect(sent >= 1)
            #expect(sent <= 7, "\(sent) requests in 3 s of a 429 storm")
        }
    }
}
