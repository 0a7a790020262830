import CoreMetrics
import FTDModel
import Prometheus
import Testing

@testable import FTDAPI
@testable import FTDConfig

/// `ftd_api_requests_total` and `ftd_api_request_duration_seconds` (SPEC section 9), from
/// the client's real requests to a scripted server, into a registry of the test's own.
@Suite struct APIMetricsTests {
    static let empty = #"{"object":"list","data":[],"has_more":false}"#

    @Test(arguments: [
        (APIEndpoint(.get, ["fine_tuning", "jobs"]), "jobs"),
        (APIEndpoint(.post, ["fine_tuning", "jobs"]), "jobs"),
        (APIEndpoint(.get, ["fine_tuning", "jobs", "ftjob-1"]), "job"),
        (APIEndpoint(.post, ["fine_tuning", "jobs", "ftjob-1", "cancel"]), "job"),
        (APIEndpoint(.get, ["fine_tuning", "jobs", "ftjob-1", "events"]), "events"),
        (APIEndpoint(.get, ["fine_tuning", "jobs", "ftjob-1", "checkpoints"]), "checkpoints"),
        (APIEndpoint(.post, ["files"]), "files"),
        (APIEndpoint(.get, ["files", "file-1", "content"]), "files"),
        (APIEndpoint(.post, ["chat", "completions"]), "other"),
        (APIEndpoint(.get, ["fine_tuning", "jobs", "ftjob-1", "checkpoints", "x", "permissions"]), "other"),
    ])
    func theEndpointLabelIsAKindNeverAnID(_ endpoint: APIEndpoint, _ kind: String) {
        #expect(APIMetrics.kind(of: endpoint) == kind)
    }

    @Test func everyAttemptIsCountedByEndpointAndCodeAndTimed() async throws {
        let registry = PrometheusCollectorRegistry()
        let replies: [ScriptedServer.Reply] = [
            .init(body: try Fixtures.string("jobs-list.json")),
            .init(status: 500, body: #"{"error":{"message":"try again"}}"#),
            .init(body: APIClientTests.jobBody),
            .init(body: Self.empty),
            .init(body: Self.empty),
            .init(body: "a,b\n"),
        ]
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        try await APIClientTests.withServer(replies) { server in
            var client = APIClientTests.client(server)
            client.metrics = APIMetrics(factory: PrometheusMetricsFactory(registry: registry))
            elapsed = try await clock.measure {
                _ = try await client.listJobs(after: nil, limit: 20)
                _ = try await client.retrieveJob(id: "ftjob-1")  // a 500, then the job
                _ = try await client.listEvents(jobID: "ftjob-1", after: nil, limit: 10)
                _ = try await client.listCheckpoints(jobID: "ftjob-1", after: nil, limit: 10)
                _ = try await client.downloadFile(id: "file-1")
            }
        }
        let metrics = Exposition(registry.emitToString())
        let requests = "ftd_api_requests_total"
        #expect(metrics["\(requests){account=\"default\",endpoint=\"jobs\",code=\"200\"}"] == 1)
        #expect(metrics["\(requests){account=\"default\",endpoint=\"job\",code=\"500\"}"] == 1)
        #expect(metrics["\(requests){account=\"default\",endpoint=\"job\",code=\"200\"}"] == 1)
        #expect(metrics["\(requests){account=\"default\",endpoint=\"events\",code=\"200\"}"] == 1)
        #expect(metrics["\(requests){account=\"default\",endpoint=\"checkpoints\",code=\"200\"}"] == 1)
        #expect(metrics["\(requests){account=\"default\",endpoint=\"files\",code=\"200\"}"] == 1)
        #expect(metrics.series(named: requests).count == 6)
        #expect(metrics.types[requests] == "counter")

        let duration = "ftd_api_request_duration_seconds"
        #expect(metrics.types[duration] == "histogram")
        #expect(metrics["\(duration)_count{account=\"default\",endpoint=\"job\"}"] == 2)
        #expect(metrics["\(duration)_count{account=\"default\",endpoint=\"jobs\"}"] == 1)
        #expect(metrics["\(duration)_bucket{account=\"default\",endpoint=\"job\",le=\"+Inf\"}"] == 2)
        let sum = try #require(metrics["\(duration)_sum{account=\"default\",endpoint=\"job\"}"])
        // In seconds: more than nothing, and no more than the calls took (a busy machine
        // can take seconds over them; milliseconds would be a thousand times too many).
        #expect(sum > 0 && sum <= elapsed.inSeconds, "\(sum) s of requests in \(elapsed)")
    }

    @Test func aRequestThatGotNoAnswerIsCountedAsError() async throws {
        let registry = PrometheusCollectorRegistry()
        var settings = APISettings()
        // Nothing listens on port 1: the connection is refused, no status comes back.
        settings.baseURL = "http://127.0.0.1:1/v1"
        settings.maxRetries = 1
        var client = OpenAIClient(
            settings: settings, apiKey: APIClientTests.key, httpClient: APIClientTests.http, logger: .quiet,
            retryPolicy: RetryPolicy(maxRetries: 1, baseDelay: 0.001, maxDelay: 0.004))
        client.metrics = APIMetrics(factory: PrometheusMetricsFactory(registry: registry))
        await #expect(throws: APIError.self) { _ = try await client.listJobs(after: nil, limit: 20) }
        let metrics = Exposition(registry.emitToString())
        // The attempt and its retry.
        #expect(metrics["ftd_api_requests_total{account=\"default\",endpoint=\"jobs\",code=\"error\"}"] == 2)
        #expect(metrics["ftd_api_request_duration_seconds_count{account=\"default\",endpoint=\"jobs\"}"] == 2)
    }
}
