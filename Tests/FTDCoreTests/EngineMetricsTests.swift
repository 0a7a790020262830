import Foundation
import Prometheus
import Testing

@testable import FTDAPI
@testable import FTDConfig
@testable import FTDDaemon
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// The engine's counters of SPEC section 9 (`ftd_transitions_total`,
/// `ftd_poll_cycles_total`, `ftd_hook_runs_total`), each into a registry of the test's own.
@Suite struct EngineMetricsTests {
    let registry = PrometheusCollectorRegistry()
    var factory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }
    var metrics: Exposition { Exposition(registry.emitToString()) }

    @Test func alertsAreCountedByAccountAndKindOnceEach() async throws {
        let api = ScriptedAPI()
        var cycle = PollCycle(
            api: api, store: SQLiteStore(try AppDatabase.inMemory()), logger: .quiet, now: { 5000 })
        cycle.metrics = PollMetrics(factory: factory)
        cycle.alerts = AlertThresholds(queuedAfter: 60, stalledAfter: 0, divergeRatio: 0, overfitPatience: 0)
        _ = try await cycle.run()  // the baseline, empty
        await api.add(job: "ftjob-a", status: "queued", createdAt: 1)
        await api.add(job: "ftjob-b", status: "queued", createdAt: 4990)
        let report = try await cycle.run()
        #expect(report.alerts.map(\.jobID) == ["ftjob-a"])
        #expect(metrics["ftd_alerts_total{account=\"default\",kind=\"queued_too_long\"}"] == 1)
        #expect(metrics.types["ftd_alerts_total"] == "counter")
        _ = try await cycle.run()
        #expect(metrics["ftd_alerts_total{account=\"default\",kind=\"queued_too_long\"}"] == 1)
    }

    @Test func transitionsAreCountedByNewStatusButNotTheBaseline() async throws {
        let api = ScriptedAPI()
        var cycle = PollCycle(
            api: api, store: SQLiteStore(try AppDatabase.inMemory()), logger: .quiet, now: { 5000 })
        cycle.metrics = PollMetrics(factory: factory)
        await api.add(job: "ftjob-a", status: "running", createdAt: 1)
        await api.add(job: "ftjob-b", status: "succeeded", createdAt: 2)
        let baseline = try await cycle.run()
        #expect(baseline.transitions.count == 2)
        #expect(metrics.series(named: "ftd_transitions_total").isEmpty)

        await api.set(status: "failed", of: "ftjob-a")
        await api.add(job: "ftjob-c", status: "validating_files", createdAt: 3)
        _ = try await cycle.run()
        #expect(metrics["ftd_transitions_total{account=\"default\",to=\"failed\"}"] == 1)
        #expect(metrics["ftd_transitions_total{account=\"default\",to=\"validating_files\"}"] == 1)
        #expect(metrics.series(named: "ftd_transitions_total").count == 2)
        #expect(metrics.types["ftd_transitions_total"] == "counter")

        // A cycle that sees nothing new counts nothing.
        _ = try await cycle.run()
        #expect(metrics["ftd_transitions_total{account=\"default\",to=\"failed\"}"] == 1)
    }

    @Test func everyCycleIsCountedByOutcomeWhenTheDaemonReportsIt() async throws {
        let store = SQLiteStore(try AppDatabase.inMemory())
        let daemon = Daemon(
            store: store, httpClient: .tests, notifier: nil,
            loader: { (Configuration(storage: StorageSettings(database: ":memory:")), apiKey: "") },
            logger: .quiet,
            metricsFactory: factory)
        let health = HealthMonitor(stallBound: 60)
        var recorded = CycleReport()
        recorded.recorded = true
        var partial = recorded
        partial.failures = [
            APIError(kind: .http(status: 500), message: "x", endpoint: "GET /fine_tuning/jobs")
        ]
        let ticks: [PollerService.Tick] = [
            .init(
                outcome: CycleOutcome(report: recorded, finishedAt: 1, nextCycleAt: 2),
                result: .success(recorded)),
            .init(
                outcome: CycleOutcome(report: recorded, finishedAt: 2, nextCycleAt: 3),
                result: .success(recorded)),
            .init(
                outcome: CycleOutcome(report: partial, finishedAt: 3, nextCycleAt: 4),
                result: .success(partial)),
            .init(
                outcome: CycleOutcome(thrown: CancellationError(), finishedAt: 4, nextCycleAt: 5),
                result: .failure(CancellationError())),
        ]
        for tick in ticks { await daemon.report(tick, health: health) }
        #expect(metrics["ftd_poll_cycles_total{account=\"default\",outcome=\"complete\"}"] == 2)
        #expect(metrics["ftd_poll_cycles_total{account=\"default\",outcome=\"incomplete\"}"] == 1)
        #expect(metrics["ftd_poll_cycles_total{account=\"default\",outcome=\"failed\"}"] == 1)
        #expect(metrics.types["ftd_poll_cycles_total"] == "counter")
    }

    /// Answers each attempt from a script of results.
    struct ScriptedResults: HookRunning {
        let results: Locked<[HookRunResult]>

        func run(_ hook: HookSettings, environment: [String: String], stdin: Data) async -> HookRunResult {
            results.withLock {
                $0.isEmpty
                    ? HookRunResult(exitCode: 0, timedOut: false, startedAt: 1, durationMs: 1)
                    : $0.removeFirst()
            }
        }
    }

    @Test func hookAttemptsAreCountedByHookAndStatus() async throws {
        let database = try AppDatabase.inMemory()
        _ = try database.record(cycle: CycleRecord(observedAt: 1))  // the baseline
        let hooks = [
            HookSettings(name: "flaky", on: ["*"], command: .argv(["/bin/true"]), timeout: 5, retries: 2),
            HookSettings(
                name: "fine", on: ["succeeded"], command: .argv(["/bin/true"]), timeout: 5, retries: 0),
        ]
        var cycle = CycleRecord(
            observedAt: 2, jobs: [FineTuningJob(id: "ftjob-1", status: "succeeded", createdAt: 1)])
        cycle.hooks = hooks
        _ = try database.record(cycle: cycle)
        // flaky: timed out, failed, succeeded; fine: succeeded.
        let runner = ScriptedResults(
            results: Locked([
                HookRunResult(exitCode: nil, timedOut: true, startedAt: 1, durationMs: 5000),
                HookRunResult(exitCode: 1, timedOut: false, startedAt: 1, durationMs: 1),
            ]))
        var dispatcher = HookDispatcher(
            outbox: SQLiteStore(database), runner: runner, hooks: hooks, databasePath: "/tmp/ftd.sqlite3",
            logger: .quiet)
        dispatcher.backoff = { _ in .zero }
        dispatcher.metrics = HookMetrics(factory: factory)
        try await dispatcher.drain()
        #expect(metrics["ftd_hook_runs_total{hook=\"flaky\",status=\"timed_out\"}"] == 1)
        #expect(metrics["ftd_hook_runs_total{hook=\"flaky\",status=\"failed\"}"] == 1)
        #expect(metrics["ftd_hook_runs_total{hook=\"flaky\",status=\"succeeded\"}"] == 1)
        #expect(metrics["ftd_hook_runs_total{hook=\"fine\",status=\"succeeded\"}"] == 1)
        #expect(metrics.series(named: "ftd_hook_runs_total").count == 4)
    }
}
