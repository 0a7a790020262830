import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@testable import FTDAPI
@testable import FTDConfig
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore
@testable import FTDWeb

/// `GET /metrics` (SPEC section 9) through the router: the format, the access rules, and
/// the names, types and labels of the SPEC's table.
struct MetricsEndpointTests {
    typealias S = StoreSample

    /// SPEC section 9's table: each metric's type and label names.
    static let table: [String: (type: String, labels: [String])] = [
        "ftd_build_info": ("gauge", ["version"]),
        "ftd_jobs": ("gauge", ["account", "status"]),
        "ftd_transitions_total": ("counter", ["account", "to"]),
        "ftd_api_requests_total": ("counter", ["account", "endpoint", "code"]),
        "ftd_api_request_duration_seconds": ("histogram", ["account", "endpoint"]),
        "ftd_poll_cycles_total": ("counter", ["account", "outcome"]),
        "ftd_last_complete_cycle_timestamp_seconds": ("gauge", ["account"]),
        "ftd_hook_runs_total": ("counter", ["hook", "status"]),
        "ftd_hook_deliveries_pending": ("gauge", []),
        "ftd_alerts_total": ("counter", ["account", "kind"]),
        "ftd_job_step": ("gauge", ["account", "job_id"]),
        "ftd_job_total_steps": ("gauge", ["account", "job_id"]),
        "ftd_job_train_loss": ("gauge", ["account", "job_id"]),
    ]

    static func scrape(
        _ server: WebServer, headers: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
        try await WebServerTests.get(server, "/metrics", headers: headers)
    }

    static func server(_ store: SQLiteStore, metrics: MetricsEndpoint, token: String? = nil) -> WebServer {
        WebServer(
            settings: WebServerTests.loopback, token: token, store: store, poll: PollSettings(),
            logger: S.logger, metrics: metrics)
    }

    @Test func everyMetricOfTheSpecIsExportedWithItsTypeAndLabels() async throws {
        let store = try WebServerTests.store()
        try await store.recordCycleOutcome(CycleOutcome(finishedAt: 1_750_000_000, result: .complete))
        let metrics = MetricsEndpoint(version: "9.8.7")
        // What the daemon's parts count, through the factory `ftd run` bootstraps.
        let factory = metrics.factory
        APIMetrics(factory: factory).attempted(
            APIEndpoint(.get, ["fine_tuning", "jobs"]), code: "200", duration: .milliseconds(30))
        PollMetrics(factory: factory).cycleEnded(CycleOutcome(finishedAt: 1, result: .complete))
        PollMetrics(factory: factory).recorded([
            Transition(jobID: "ftjob-aaa", from: "queued", to: "running", observedAt: 1, isBaseline: false)
        ])
        HookMetrics(factory: factory).ran(hook: "notify", outcome: .succeeded)
        PollMetrics(factory: factory).fired([
            JobAlert(
                account: "default", jobID: "ftjob-aaa", kind: .stalled, detail: "d", observedAt: 1, step: nil)
        ])

        let answer = try await Self.scrape(Self.server(store, metrics: metrics))
        #expect(answer.status == .ok)
        #expect(answer.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
        let exposition = Exposition(answer.body)
        for (name, expected) in Self.table {
            #expect(exposition.types[name] == expected.type, "\(name)")
            #expect(exposition.help[name]?.isEmpty == false, "\(name) has no HELP")
            let sampled = expected.type == "histogram" ? name + "_count" : name
            #expect(exposition.labelNames(of: sampled) == [expected.labels], "\(name)")
        }
        // Nothing but the table's metrics.
        #expect(Set(exposition.types.keys) == Set(Self.table.keys))

        #expect(exposition["ftd_build_info{version=\"9.8.7\"}"] == 1)
        #expect(exposition["ftd_jobs{account=\"default\",status=\"running\"}"] == 1)
        #expect(exposition["ftd_jobs{account=\"default\",status=\"succeeded\"}"] == 1)
        #expect(exposition["ftd_jobs{account=\"default\",status=\"queued\"}"] == 0)
        #expect(exposition["ftd_last_complete_cycle_timestamp_seconds{account=\"default\"}"] == 1_750_000_000)
        #expect(exposition["ftd_hook_deliveries_pending"] == 0)
        #expect(exposition["ftd_job_step{account=\"default\",job_id=\"ftjob-aaa\"}"] == 1000)
        #expect(exposition["ftd_job_total_steps{account=\"default\",job_id=\"ftjob-aaa\"}"] == 1000)
        #expect(exposition["ftd_job_train_loss{account=\"default\",job_id=\"ftjob-aaa\"}"] == 0.002)
        // Only active jobs have a step.
        #expect(exposition.series(named: "ftd_job_step").count == 1)
        #expect(exposition["ftd_api_requests_total{account=\"default\",endpoint=\"jobs\",code=\"200\"}"] == 1)
        #expect(exposition["ftd_poll_cycles_total{account=\"default\",outcome=\"complete\"}"] == 1)
        #expect(exposition["ftd_transitions_total{account=\"default\",to=\"running\"}"] == 1)
        #expect(exposition["ftd_hook_runs_total{hook=\"notify\",status=\"succeeded\"}"] == 1)
        #expect(exposition["ftd_alerts_total{account=\"default\",kind=\"stalled\"}"] == 1)
    }

    @Test func anActiveJobsGaugesLeaveTheOutputWhenItEnds() async throws {
        let store = try WebServerTests.store()
        let server = Self.server(store, metrics: MetricsEndpoint())
        let before = Exposition(try await Self.scrape(server).body)
        #expect(before["ftd_job_step{account=\"default\",job_id=\"ftjob-aaa\"}"] == 1000)

        let cycle = CycleRecord(observedAt: 200, jobs: [S.job("ftjob-aaa", "succeeded", createdAt: 2_000)])
        _ = try await store.record(cycle: cycle, rule: TransitionDetector.rule)
        let after = try await Self.scrape(server).body
        for name in ["ftd_job_step", "ftd_job_total_steps", "ftd_job_train_loss"] {
            #expect(!after.contains(name + "{"), "\(name) of an ended job is still exported")
        }
        let exposition = Exposition(after)
        #expect(exposition["ftd_jobs{account=\"default\",status=\"running\"}"] == 0)
        #expect(exposition["ftd_jobs{account=\"default\",status=\"succeeded\"}"] == 2)
    }

    @Test func jobsAreCountedByEveryStatusTheStoreHolds() async throws {
        let database = try AppDatabase.inMemory()
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 100,
                jobs: [
                    S.job("ftjob-1", "queued", createdAt: 1), S.job("ftjob-2", "queued", createdAt: 2),
                    S.job("ftjob-3", "failed", createdAt: 3), S.job("ftjob-4", "a_new_status", createdAt: 4),
                ]))
        let store = SQLiteStore(database)
        let server = Self.server(store, metrics: MetricsEndpoint())
        let exposition = Exposition(try await Self.scrape(server).body)
        #expect(exposition["ftd_jobs{account=\"default\",status=\"queued\"}"] == 2)
        #expect(exposition["ftd_jobs{account=\"default\",status=\"failed\"}"] == 1)
        #expect(exposition["ftd_jobs{account=\"default\",status=\"a_new_status\"}"] == 1)
        #expect(exposition["ftd_jobs{account=\"default\",status=\"running\"}"] == 0)
        // Active: not yet terminal. Before a step is stored, the step is 0 and nothing more is known.
        #expect(exposition["ftd_job_step{account=\"default\",job_id=\"ftjob-1\"}"] == 0)
        #expect(exposition["ftd_job_step{account=\"default\",job_id=\"ftjob-4\"}"] == 0)
        #expect(exposition.series(named: "ftd_job_total_steps").isEmpty)
        #expect(exposition.series(named: "ftd_job_train_loss").isEmpty)
        // No complete cycle yet: no timestamp (an alert on `absent()` fires).
        #expect(exposition.series(named: "ftd_last_complete_cycle_timestamp_seconds").isEmpty)
    }

    /// SPEC section 8: every account's series carry its name, the same job id in two
    /// accounts is two series, and a configured account with no job yet still shows its
    /// statuses at 0.
    @Test func everyAccountHasItsOwnSeries() async throws {
        let database = try AppDatabase.inMemory()
        for (account, status) in [("research", "running"), ("team", "queued")] {
            var cycle = CycleRecord(observedAt: 100, jobs: [S.job("ftjob-same", status, createdAt: 1)])
            cycle.account = account
            _ = try database.record(cycle: cycle)
            try database.recordCycleOutcome(
                CycleOutcome(finishedAt: 120, result: .complete), account: account)
        }
        let server = WebServer(
            settings: WebServerTests.loopback, token: nil, store: SQLiteStore(database), poll: PollSettings(),
            logger: S.logger, metrics: MetricsEndpoint(accounts: ["research", "team", "azure-eu"]),
            accounts: ["research", "team", "azure-eu"])
        let exposition = Exposition(try await Self.scrape(server).body)
        #expect(exposition["ftd_jobs{account=\"research\",status=\"running\"}"] == 1)
        #expect(exposition["ftd_jobs{account=\"team\",status=\"queued\"}"] == 1)
        #expect(exposition["ftd_jobs{account=\"team\",status=\"running\"}"] == 0)
        #expect(exposition["ftd_jobs{account=\"azure-eu\",status=\"succeeded\"}"] == 0)
        #expect(exposition["ftd_job_step{account=\"research\",job_id=\"ftjob-same\"}"] == 0)
        #expect(exposition["ftd_job_step{account=\"team\",job_id=\"ftjob-same\"}"] == 0)
        #expect(exposition["ftd_last_complete_cycle_timestamp_seconds{account=\"research\"}"] == 120)
        #expect(exposition["ftd_last_complete_cycle_timestamp_seconds{account=\"team\"}"] == 120)
        #expect(exposition.series(named: "ftd_jobs").allSatisfy { !$0.contains("account=\"default\"") })
    }

    @Test func theTokenGuardsMetricsAsEveryRoute() async throws {
        let store = try WebServerTests.store()
        let token = WebServerTests.token
        let server = Self.server(store, metrics: MetricsEndpoint(), token: token)
        let refused = try await Self.scrape(server)
        #expect(refused.status == .unauthorized)
        #expect(!refused.body.contains("ftd_"))
        #expect(
            try await Self.scrape(server, headers: [.authorization: "Bearer wrong"]).status == .unauthorized)
        let allowed = try await Self.scrape(server, headers: [.authorization: "Bearer \(token)"])
        #expect(allowed.status == .ok)
        #expect(allowed.body.contains("ftd_build_info{version=\"\(BuildInfo.version)\"} 1"))
    }
}
