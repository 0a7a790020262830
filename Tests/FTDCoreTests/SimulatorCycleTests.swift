import AsyncHTTPClient
import FTDAPI
import FTDConfig
import FTDEngine
import FTDSimulator
import FTDStore
import Logging
import Testing

/// The real client and a real database against the in-process simulator: what a cycle
/// costs in requests and what it records of a whole job.
@Suite struct SimulatorCycleTests {
    static func withSimulator(
        _ configuration: SimulatorConfiguration,
        _ body: (FineTuningSimulator, PollCycle, AppDatabase) async throws -> Void
    ) async throws {
        let simulator = FineTuningSimulator(configuration: configuration, logger: Logger.quiet)
        try await simulator.start()
        var settings = APISettings()
        settings.baseURL = await simulator.baseURL
        settings.maxRetries = 1
        let logger = Logger.quiet
        let api = OpenAIClient(settings: settings, apiKey: "sk-test", httpClient: .tests, logger: logger)
        let store = try AppDatabase.inMemory()
        do {
            try await body(simulator, PollCycle(api: api, store: SQLiteStore(store), logger: logger), store)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    @Test func steadyCycleWith300FinishedAnd2RunningJobsSendsExactly3Requests() async throws {
        let configuration = SimulatorConfiguration(
            clock: .manual(start: 1_750_000_000), scenario: .empty, finishedJobs: 300, activeJobs: 2)
        try await Self.withSimulator(configuration) { simulator, cycle, store in
            let baseline = try await cycle.run()
            #expect(baseline.failures.isEmpty)
            #expect(baseline.transitions.count == 302)
            #expect(baseline.transitions.allSatisfy { $0.isBaseline })
            #expect(try store.jobsNeedingSync().count == 2)

            await simulator.resetRequestLog()
            let steady = try await cycle.run()
            let requests = await simulator.requestLog()
            #expect(requests.count == 3, "\(requests)")
            #expect(steady.requests == 3)
            #expect(requests.filter { $0.contains("/events") }.count == 2)
            #expect(steady.transitions.isEmpty)
        }
    }

    @Test func theElleJobIsRecordedWholeAndThenCostsNothing() async throws {
        let configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000), scenario: .elle)
        try await Self.withSimulator(configuration) { simulator, cycle, store in
            let first = try await cycle.run()
            #expect(first.transitions.map(\.to) == ["validating_files"])
            #expect(first.transitions.first?.isBaseline == true)

            var statuses: [String] = []
            for _ in 0..<40 {
                await simulator.advanceClock(by: 10)
                statuses += try await cycle.run().transitions.map(\.to)
            }
            #expect(statuses == ["queued", "running", "succeeded"])

            let id = try #require(try store.jobSummaries().first?.id)
            let detail = try store.jobDetail(id: id)
            #expect(detail.summary.status == "succeeded")
            #expect(detail.summary.fineTunedModel?.hasPrefix("ft:gpt-3.5-turbo-0125:") == true)
            #expect(detail.steps.map(\.step) == Array(1...100))
            let losses = detail.steps.compactMap(\.trainLoss)
            #expect(losses.count == 100)
            #expect(losses.suffix(10).reduce(0, +) < losses.prefix(10).reduce(0, +))
            #expect(detail.checkpoints.compactMap(\.stepNumber) == [80, 90, 100])
            #expect(Set(detail.events.map(\.id)).count == detail.events.count)
            #expect(detail.events.first?.message.hasPrefix("Created fine-tuning job") == true)
            #expect(detail.events.last?.message == "The job has successfully completed")

            await simulator.resetRequestLog()
            await simulator.advanceClock(by: 10)
            _ = try await cycle.run()
            #expect(await simulator.requestLog().count == 1)  // the list page only
        }
    }

    @Test func aServerErrorIsRetriedAndTheCycleCompletes() async throws {
        var configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000), scenario: .elle)
        configuration.faults = [try FaultRule.parse("500:count=1")]
        try await Self.withSimulator(configuration) { simulator, cycle, _ in
            let report = try await cycle.run()
            #expect(report.failures.isEmpty)
            #expect(report.recorded)
            #expect(await simulator.requestLog().count == 3)  // list twice, then events
        }
    }
}
