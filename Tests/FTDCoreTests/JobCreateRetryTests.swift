import AsyncHTTPClient
import Foundation
import Logging
import Testing

@testable import FTDAPI
@testable import FTDConfig
@testable import FTDEngine
@testable import FTDModel

/// A job create goes through the client's one retry path (its policy, `retry-after`
/// included), with a check before each new POST that the failed one made no job; and a
/// POST that may have reached the API is never sent again (issue 12: never billed twice).
@Suite struct JobCreateRetryTests {
    static let emptyList = #"{"object":"list","data":[],"has_more":false}"#
    static let created = #"{"id":"ftjob-new","status":"validating_files","training_file":"file-T"}"#
    static let request = FineTuningJobRequest(model: "gpt-4o-mini", trainingFile: "file-T")

    /// A client whose waits are recorded, not waited: no pacing either, so the test takes
    /// no real time however long the server asks to wait.
    static func submitter(_ server: ScriptedServer, slept: Locked<[Duration]>) -> JobSubmitter {
        var settings = APISettings()
        settings.baseURL = server.baseURL + "/"
        settings.maxRetries = 2
        let api = OpenAIClient(
            settings: settings, apiKey: "sk-create", httpClient: .tests, logger: .quiet,
            retryPolicy: RetryPolicy(maxRetries: 2, baseDelay: 0.25, maxDelay: 1),
            pacer: RequestPacer(RateLimitState(maxWait: 0, maxPenalty: 0)), jitter: { 0 },
            sleep: { duration in slept.withLock { $0.append(duration) } })
        var submitter = JobSubmitter(api: api) { _ in }
        submitter.listLag = [.milliseconds(10), .milliseconds(10)]
        return submitter
    }

    static func calls(_ received: [ScriptedServer.Received]) -> [String] {
        received.map { "\($0.method) \($0.path)" }
    }

    @Test func a429sRetryAfterIsHonouredAndEachNewPostIsCheckedFirst() async throws {
        let slept = Locked<[Duration]>([])
        let replies: [ScriptedServer.Reply] = [
            .init(status: 429, headers: [("retry-after", "7")], body: try Fixtures.string("error-429.json")),
            .init(body: Self.emptyList),
            .init(status: 429, body: try Fixtures.string("error-429.json")),
            .init(body: Self.emptyList),
            .init(body: Self.created),
        ]
        let (job, received) = try await APIClientTests.withServer(replies) { server in
            (try await Self.submitter(server, slept: slept).create(Self.request), await server.received)
        }
        #expect(job.id == "ftjob-new")
        #expect(
            Self.calls(received) == [
                "POST /v1/fine_tuning/jobs", "GET /v1/fine_tuning/jobs", "POST /v1/fine_tuning/jobs",
                "GET /v1/fine_tuning/jobs", "POST /v1/fine_tuning/jobs",
            ])
        // The server's 7 s, then the policy's backoff for the second retry.
        #expect(slept.withLock { $0 } == [.seconds(7), .milliseconds(500)])
    }

    /// The failed POST had made the job: the check finds it, and nothing is sent again.
    @Test func aJobTheCheckFindsEndsTheRetries() async throws {
        let slept = Locked<[Duration]>([])
        let list = #"{"object":"list","data":[\#(Self.created)],"has_more":false}"#
        let replies: [ScriptedServer.Reply] = [
            .init(status: 502, body: #"{"error":{"message":"bad gateway"}}"#), .init(body: list),
        ]
        let (job, received) = try await APIClientTests.withServer(replies) { server in
            (try await Self.submitter(server, slept: slept).create(Self.request), await server.received)
        }
        #expect(job.id == "ftjob-new")
        #expect(Self.calls(received) == ["POST /v1/fine_tuning/jobs", "GET /v1/fine_tuning/jobs"])
    }

    /// When the check cannot be made, nobody knows whether the job exists: it is not
    /// created again, and the user is told to look.
    @Test func aCheckThatFailsStopsTheCreate() async throws {
        let slept = Locked<[Duration]>([])
        // One failed POST; then every answer is a 5xx ("script exhausted").
        let replies: [ScriptedServer.Reply] = [.init(status: 500, body: #"{"error":{"message":"boom"}}"#)]
        let received = try await APIClientTests.withServer(replies) { server in
            await #expect(throws: SubmitError.self) {
                try await Self.submitter(server, slept: slept).create(Self.request)
            }
            return await server.received
        }
        #expect(Self.calls(received).filter { $0.hasPrefix("POST") }.count == 1)
    }

    /// The hostile review: the API made the job, then answered 502, and its list showed
    /// the job only a few seconds later. The POST is not sent again; the checks wait out
    /// the lag and find it.
    @Test func aListThatLagsBehindTheCreateStillFindsTheJobAndNothingIsSentTwice() async throws {
        let slept = Locked<[Duration]>([])
        let list = #"{"object":"list","data":[\#(Self.created)],"has_more":false}"#
        let replies: [ScriptedServer.Reply] = [
            .init(status: 502, body: #"{"error":{"message":"bad gateway"}}"#),
            .init(body: Self.emptyList), .init(body: Self.emptyList), .init(body: list),
        ]
        let (job, received) = try await APIClientTests.withServer(replies) { server in
            (try await Self.submitter(server, slept: slept).create(Self.request), await server.received)
        }
        #expect(job.id == "ftjob-new")
        #expect(Self.calls(received).filter { $0.hasPrefix("POST") }.count == 1)
        #expect(Self.calls(received).count == 4)
    }

    /// A 5xx or a dropped answer proves nothing: when no job shows up, the user is told it
    /// may exist, and it is not created again.
    @Test func anAmbiguousFailureWithNoJobInSightIsNotSentAgain() async throws {
        let slept = Locked<[Duration]>([])
        let replies: [ScriptedServer.Reply] = [
            .init(status: 500, body: #"{"error":{"message":"boom"}}"#),
            .init(body: Self.emptyList), .init(body: Self.emptyList), .init(body: Self.emptyList),
        ]
        let (error, received) = try await APIClientTests.withServer(replies) { server in
            let error = await #expect(throws: SubmitError.self) {
                try await Self.submitter(server, slept: slept).create(Self.request)
            }
            return (error, await server.received)
        }
        #expect(Self.calls(received).filter { $0.hasPrefix("POST") }.count == 1)
        #expect(error?.description.contains("may have created it all the same") == true)
    }
}
