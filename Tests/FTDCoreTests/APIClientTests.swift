import AsyncHTTPClient
import Foundation
import Logging
import Testing

@testable import FTDAPI
@testable import FTDConfig

/// The client against a scripted local server: headers, pagination, retries, give-up.
@Suite struct APIClientTests {
    static let key = "sk-test-KEY-0000"
    static let jobBody = #"{"id":"ftjob-1","status":"running","object":"fine_tuning.job"}"#
    /// Configured as in production; a test-process singleton, so never shut down.
    static let http = HTTPClient.tests

    static func client(
        _ server: ScriptedServer, maxRetries: Int = 2, timeout: Double = 10,
        organization: String? = nil,
        project: String? = nil, baseDelay: Double = 0.001,
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    ) -> OpenAIClient {
        var settings = APISettings()
        settings.baseURL = server.baseURL + "/"
        settings.organization = organization
        settings.project = project
        settings.requestTimeout = timeout
        settings.maxRetries = maxRetries
        return OpenAIClient(
            settings: settings, apiKey: key, httpClient: http, logger: logger,
            retryPolicy: RetryPolicy(
                maxRetries: maxRetries, baseDelay: baseDelay, maxDelay: baseDelay * 4))
    }

    static func withServer<T>(
        _ replies: [ScriptedServer.Reply], _ body: (ScriptedServer) async throws -> T
    ) async throws -> T {
        let server = try await ScriptedServer.start(replies)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    @Test func sendsAuthOrganizationProjectAndUserAgent() async throws {
        let received = try await Self.withServer([.init(body: Fixtures.string("jobs-list.json"))]) {
            server in
            let page = try await Self.client(server, organization: "org-9", project: "proj_9").listJobs(
                after: nil, limit: 20)
            #expect(page.data.count == 2)
            #expect(page.hasMore)
            return await server.received
        }
        let request = try #require(received.first)
        #expect(request.method == "GET")
        #expect(request.path == "/v1/fine_tuning/jobs")
        #expect(request.query == "limit=20")
        #expect(request.headers["authorization"] == "Bearer \(Self.key)")
        #expect(request.headers["openai-organization"] == "org-9")
        #expect(request.headers["openai-project"] == "proj_9")
        #expect(request.headers["user-agent"] == "ftd/0.1")
    }

    @Test func omitsOrganizationAndProjectWhenUnset() async throws {
        let received = try await Self.withServer([.init(body: Self.jobBody)]) { server in
            _ = try await Self.client(server).retrieveJob(id: "ftjob-1")
            return await server.received
        }
        #expect(received.first?.path == "/v1/fine_tuning/jobs/ftjob-1")
        #expect(received.first?.headers["openai-organization"] == nil)
        #expect(received.first?.headers["openai-project"] == nil)
    }

    @Test func paginationQueryIsPercentEncoded() async throws {
        let received = try await Self.withServer([
            .init(body: Fixtures.string("events-list-metrics.json")),
            .init(body: Fixtures.string("checkpoints-list.json")),
        ]) { server in
            let client = Self.client(server)
            let events = try await client.listEvents(jobID: "ftjob-x", after: "ftevent-a b&c", limit: 50)
            #expect(events.data.count == 4)
            #expect(events.data.allSatisfy { $0.jobID == "ftjob-x" })
            let checkpoints = try await client.listCheckpoints(jobID: "ftjob-x", after: nil, limit: 10)
            #expect(checkpoints.data.first?.stepNumber == 88)
            return await server.received
        }
        #expect(
            received.map(\.path) == [
                "/v1/fine_tuning/jobs/ftjob-x/events", "/v1/fine_tuning/jobs/ftjob-x/checkpoints",
            ])
        #expect(received.map(\.query) == ["after=ftevent-a%20b%26c&limit=50", "limit=10"])
    }

    @Test(arguments: [("retry-after", "0"), ("retry-after-ms", "1")])
    func retriesAfter429(header: String, value: String) async throws {
        let replies: [ScriptedServer.Reply] = [
            .init(status: 429, headers: [(header, value)], body: try Fixtures.string("error-429.json")),
            .init(body: Self.jobBody),
        ]
        let count = try await Self.withServer(replies) { server in
            // A long backoff proves the server's short wait was the one used.
            let job = try await Self.client(server, baseDelay: 30).retrieveJob(id: "ftjob-1")
            #expect(job.status == "running")
            return await server.received.count
        }
        #expect(count == 2)
    }

    @Test func retries500ThenSucceeds() async throws {
        let count = try await Self.withServer([
            .init(status: 500), .init(status: 502), .init(body: Self.jobBody),
        ]) { server in
            _ = try await Self.client(server, maxRetries: 2).retrieveJob(id: "ftjob-1")
            return await server.received.count
        }
        #expect(count == 3)
    }

    @Test func givesUpAfterOnePlusMaxRetriesWithTheAPIErrorFilled() async throws {
        let reply = ScriptedServer.Reply(
            status: 503, headers: [("x-request-id", "req_123")],
            body:
                #"{"error":{"message":"The engine is overloaded","type":"server_error","param":null,"code":null}}"#
        )
        let count = try await Self.withServer(Array(repeating: reply, count: 5)) { server in
            let error = await #expect(throws: APIError.self) {
                try await Self.client(server, maxRetries: 2).listEvents(
                    jobID: "ftjob-x", after: "ftevent-1", limit: 20)
            }
            #expect(
                error
                    == APIError(
                        kind: .http(status: 503), message: "The engine is overloaded",
                        endpoint: "GET /fine_tuning/jobs/ftjob-x/events", requestID: "req_123", attempts: 3))
            return await server.received.count
        }
        #expect(count == 3)
    }

    @Test(arguments: [401, 403])
    func rejectedCredentialsAreNotRetried(status: Int) async throws {
        let reply = ScriptedServer.Reply(
            status: status, headers: [("x-request-id", "req_401"), ("x-should-retry", "true")],
            body: try Fixtures.string("error-401.json"))
        let count = try await Self.withServer([reply, reply]) { server in
            let error = await #expect(throws: APIError.self) {
                try await Self.client(server).listJobs(after: nil, limit: 20)
            }
            #expect(error?.isCredentialsRejected == true)
            #expect(error?.attempts == 1)
            #expect(error?.requestID == "req_401")
            #expect(error?.message.hasPrefix("Incorrect API key provided") == true)
            #expect(error?.description.contains(Self.key) == false)
            return await server.received.count
        }
        #expect(count == 1)
    }

    @Test func notFoundIsNotRetried() async throws {
        let reply = ScriptedServer.Reply(
            status: 404, body: #"{"error":{"message":"No such job","code":"not_found"}}"#)
        let count = try await Self.withServer([reply, reply]) { server in
            let error = await #expect(throws: APIError.self) {
                try await Self.client(server).retrieveJob(id: "ftjob-404")
            }
            #expect(error?.kind == .http(status: 404))
            #expect(error?.message == "No such job (not_found)")
            #expect(error?.endpoint == "GET /fine_tuning/jobs/ftjob-404")
            return await server.received.count
        }
        #expect(count == 1)
    }

    @Test func malformedBodyIsRetriedThenAMalformedResponseError() async throws {
        let replies = [
            ScriptedServer.Reply(body: #"{"object":"list","da"#), .init(body: "<html>oops</html>"),
            .init(
                headers: [("x-request-id", "req_m")], body: #"{"object":"list","data":[{"status":"x"}]}"#),
        ]
        let count = try await Self.withServer(replies) { server in
            let error = await #expect(throws: APIError.self) {
                try await Self.client(server).listJobs(after: nil, limit: 20)
            }
            #expect(error?.kind == .malformedResponse)
            #expect(error?.attempts == 3)
            #expect(error?.requestID == "req_m")
            #expect(error?.message.contains(#"data[0]: job: the required field "id" is missing"#) == true)
            return await server.received.count
        }
        #expect(count == 3)
    }

    @Test func malformedBodyThenGoodBodySucceeds() async throws {
        let job = try await Self.withServer([.init(body: "not json"), .init(body: Self.jobBody)]) {
            server in
            try await Self.client(server).retrieveJob(id: "ftjob-1")
        }
        #expect(job.id == "ftjob-1")
    }

    @Test func slowAnswerIsATimeout() async throws {
        let replies = [ScriptedServer.Reply(body: Self.jobBody, delay: .seconds(30))]
        try await Self.withServer(replies) { server in
            let started = ContinuousClock.now
            let error = await #expect(throws: APIError.self) {
                try await Self.client(server, maxRetries: 0, timeout: 0.2).retrieveJob(id: "ftjob-1")
            }
            #expect(error?.kind == .timeout)
            #expect(error?.attempts == 1)
            // Well before the 30 s answer, with room for a busy machine.
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }

    @Test func connectionRefusedIsATransportError() async throws {
        var settings = APISettings()
        settings.baseURL = "http://127.0.0.1:1/v1"
        settings.maxRetries = 1
        let client = OpenAIClient(
            settings: settings, apiKey: Self.key, httpClient: Self.http,
            logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }),
            retryPolicy: RetryPolicy(maxRetries: 1, baseDelay: 0.001))
        let error = await #expect(throws: APIError.self) {
            try await client.listJobs(after: nil, limit: 20)
        }
        #expect(error?.kind == .transport)
        #expect(error?.attempts == 2)
        #expect(error?.endpoint == "GET /fine_tuning/jobs")
    }

    @Test func cancellingStopsRetryingAtOnce() async throws {
        try await Self.withServer(Array(repeating: .init(status: 500), count: 3)) { server in
            let client = Self.client(server, maxRetries: 4, baseDelay: 60)
            let task = Task { try await client.retrieveJob(id: "ftjob-1") }
            // Generous: on a busy machine the first request can take many seconds to arrive.
            let deadline = ContinuousClock.now + .seconds(60)
            while await server.received.isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(await server.received.count == 1)
            let started = ContinuousClock.now
            task.cancel()
            let result = await task.result
            #expect(ContinuousClock.now - started < .seconds(30))  // not the 60 s backoff
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(await server.received.count == 1)
        }
    }
}

extension Fixtures {
    static func string(_ name: String) throws -> String {
        String(decoding: try data(name), as: UTF8.self)
    }
}
