import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDConfig
@testable import FTDEngine
@testable import FTDStore

/// Recording from several writers, and a job create that must not be paid twice.
struct JobSubmitterTests {
    typealias S = StoreSample

    /// `watch` reads `running`, the daemon commits `succeeded`, then `watch` commits: the
    /// older observation must not undo the newer one.
    @Test func anOlderObservationCommittedLaterChangesNothing() throws {
        let store = try AppDatabase.inMemory()
        _ = try store.record(cycle: CycleRecord(observedAt: 100, jobs: [S.job("ftjob-a", "running")]))
        let newer = try store.record(
            cycle: CycleRecord(observedAt: 200, jobs: [S.job("ftjob-a", "succeeded")]))
        #expect(newer.map(\.to) == ["succeeded"])
        let stale = try store.record(cycle: CycleRecord(observedAt: 150, jobs: [S.job("ftjob-a", "running")]))
        #expect(stale.isEmpty)
        #expect(try store.jobSummaries().first?.status == "succeeded")
        #expect(try store.jobDetail(id: "ftjob-a").transitions.map(\.to) == ["running", "succeeded"])
    }

    static let elle = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/elle.jsonl").path

    static func submitter(_ simulator: FineTuningSimulator, maxRetries: Int) async throws -> JobSubmitter {
        var settings = APISettings()
        settings.baseURL = await simulator.baseURL
        settings.maxRetries = maxRetries
        let api = OpenAIClient(
            settings: settings, apiKey: "sk-submit", httpClient: .tests, logger: .quiet,
            retryPolicy: RetryPolicy(maxRetries: maxRetries, baseDelay: 0.01, maxDelay: 0.05))
        var submitter = JobSubmitter(api: api) { _ in }
        submitter.processingPollInterval = .milliseconds(10)
        return submitter
    }

    static func simulator() async throws -> FineTuningSimulator {
        var configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000), scenario: .empty)
        configuration.fileProcessingSeconds = 0
        let simulator = FineTuningSimulator(configuration: configuration, logger: .quiet)
        try await simulator.start()
        return simulator
    }

    /// The API created the job but the answer broke off: the retry finds the job made from
    /// this upload instead of creating (and billing) a second one.
    @Test(arguments: [0, 2])
    func aCreateWhoseAnswerIsLostIsFoundNotRepeated(maxRetries: Int) async throws {
        let simulator = try await Self.simulator()
        do {
            await simulator.addFault(
                FaultRule(kind: .truncatedBody, pathContains: "/fine_tuning/jobs", count: 1))
            let submitter = try await Self.submitter(simulator, maxRetries: maxRetries)
            let created = try await submitter.submit(
                SubmitRequest(trainingPath: Self.elle, model: "gpt-4o-mini"))
            #expect(await simulator.jobIDs() == [created.job.id])
            #expect(
                await simulator.requestLog().filter {
                    $0.hasPrefix("POST") && $0.contains("/fine_tuning/jobs")
                }.count == 1)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    /// A 500 does not prove that the API made nothing: with no job in its list, the
    /// create is not sent again and the user is told to look (never billed twice).
    @Test func aCreateAnsweredWithA500IsNotSentAgain() async throws {
        let simulator = try await Self.simulator()
        do {
            await simulator.addFault(
                FaultRule(kind: .status(500), pathContains: "/fine_tuning/jobs", count: 1))
            var submitter = try await Self.submitter(simulator, maxRetries: 2)
            submitter.listLag = [.milliseconds(10)]
            await #expect(throws: SubmitError.self) {
                try await submitter.submit(SubmitRequest(trainingPath: Self.elle, model: "gpt-4o-mini"))
            }
            #expect(await simulator.jobIDs().isEmpty)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }
}
