import AsyncHTTPClient
import Foundation
import Logging
import Testing

@testable import FTDAPI
@testable import FTDConfig
@testable import FTDModel

/// The client speaking Azure OpenAI (SPEC section 8, docs/azure.md) to a scripted server:
/// the URLs of both surfaces, the `api-key` header, Azure's error envelopes.
@Suite struct AzureClientTests {
    static let key = "azure-key-0123456789"
    static let empty = #"{"object":"list","data":[],"has_more":false}"#
    static let file = #"{"id":"file-1","object":"file","status":"processed","filename":"t.jsonl"}"#
    static let chat = """
        {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}
        """

    /// An Azure account whose base URL is what the configuration derives from `endpoint`:
    /// `{endpoint}/openai` with an api-version, `{endpoint}/openai/v1` without.
    static func account(endpoint: String, apiVersion: String?, maxRetries: Int = 2) -> AccountSettings {
        var api = APISettings()
        api.baseURL = endpoint + (apiVersion == nil ? "/openai/v1" : "/openai")
        api.maxRetries = maxRetries
        api.requestTimeout = 10
        // Set to show that OpenAI's headers are not sent to a resource.
        api.organization = "org-x"
        api.project = "proj-x"
        return AccountSettings(
            name: "azure-eu", provider: .azure(endpoint: endpoint, apiVersion: apiVersion), api: api)
    }

    static func client(_ account: AccountSettings) -> OpenAIClient {
        OpenAIClient(
            account: account, apiKey: key, httpClient: .tests, logger: .quiet,
            retryPolicy: RetryPolicy(maxRetries: account.api.maxRetries, baseDelay: 0.001, maxDelay: 0.004))
    }

    // MARK: URLs

    @Test func theSurfaceFollowsTheProvider() {
        #expect(APISurface(.openai) == .openai)
        #expect(APISurface(.azure(endpoint: "https://r.openai.azure.com", apiVersion: nil)) == .azureV1)
        #expect(
            APISurface(.azure(endpoint: "https://r.openai.azure.com", apiVersion: "2024-10-21"))
                == .azureDated(apiVersion: "2024-10-21"))
        let old = OpenAIClient(settings: APISettings(), apiKey: "k", httpClient: .tests, logger: .quiet)
        #expect(old.account == DefaultAccount.name)
        #expect(old.surface == .openai)
        #expect(old.metrics.account == DefaultAccount.name)
        let azure = Self.client(Self.account(endpoint: "https://r.openai.azure.com", apiVersion: nil))
        #expect(azure.account == "azure-eu")
        #expect(azure.metrics.account == "azure-eu")
    }

    @Test func theDatedSurfacePutsItsApiVersionBeforeEveryRequestsOwnQuery() {
        let endpoint = "https://r.openai.azure.com"
        let dated = Self.client(Self.account(endpoint: endpoint, apiVersion: "2024-10-21"))
        let v1 = Self.client(Self.account(endpoint: endpoint, apiVersion: nil))
        let openai = OpenAIClient(settings: APISettings(), apiKey: "k", httpClient: .tests, logger: .quiet)
        let page = APIEndpoint.page(
            ["fine_tuning", "jobs", "ftjob-1", "events"], after: "ftevent-a b", limit: 5)
        #expect(
            dated.url(for: page)
                == "\(endpoint)/openai/fine_tuning/jobs/ftjob-1/events?api-version=2024-10-21&after=ftevent-a%20b&limit=5"
        )
        #expect(
            v1.url(for: page)
                == "\(endpoint)/openai/v1/fine_tuning/jobs/ftjob-1/events?after=ftevent-a%20b&limit=5")
        #expect(
            openai.url(for: page)
                == "https://api.openai.com/v1/fine_tuning/jobs/ftjob-1/events?after=ftevent-a%20b&limit=5")
        let plain = APIEndpoint(.post, ["fine_tuning", "jobs", "ftjob-1", "cancel"])
        #expect(
            dated.url(for: plain)
                == "\(endpoint)/openai/fine_tuning/jobs/ftjob-1/cancel?api-version=2024-10-21")
        #expect(v1.url(for: plain) == "\(endpoint)/openai/v1/fine_tuning/jobs/ftjob-1/cancel")
        // A version is a value like any other: encoded, so it cannot add a parameter.
        let odd = Self.client(Self.account(endpoint: endpoint, apiVersion: "2025-04-01 preview&x=1"))
        #expect(odd.url(for: plain).hasSuffix("?api-version=2025-04-01%20preview%26x%3D1"))
    }

    @Test func chatGoesToTheDeployment() {
        let dated = APISurface.azureDated(apiVersion: "2024-10-21")
        let (path, model) = dated.chatCompletion(model: "gpt-4o-mini.ft-abc", deployment: "elle/1")
        #expect(path.segments == ["deployments", "elle/1", "chat", "completions"])
        #expect(model == nil)
        #expect(
            path.url(baseURL: "https://r.openai.azure.com/openai", surfaceQuery: dated.query)
                == "https://r.openai.azure.com/openai/deployments/elle%2F1/chat/completions?api-version=2024-10-21"
        )
        let v1 = APISurface.azureV1.chatCompletion(model: "gpt-4o-mini.ft-abc", deployment: "elle")
        #expect(v1.endpoint.segments == ["chat", "completions"])
        #expect(v1.model == "elle")
        #expect(APISurface.openai.chatCompletion(model: "ft:m", deployment: "ignored").model == "ft:m")
    }

    /// Every request the client makes, on each surface, and what it carries.
    @Test(arguments: [nil, "2024-10-21"] as [String?])
    func everyEndpointBuildsOnBothSurfaces(apiVersion: String?) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "azure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let training = directory.appendingPathComponent("t.jsonl").path
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: training))
        let job = APIClientTests.jobBody
        let replies: [ScriptedServer.Reply] = [
            .init(body: Self.empty), .init(body: job), .init(body: Self.empty), .init(body: Self.empty),
            .init(body: job), .init(body: job), .init(body: job), .init(body: job),
            .init(status: 201, body: Self.file), .init(body: Self.file), .init(body: "a,b\n"),
            .init(body: Self.chat),
        ]
        let received = try await APIClientTests.withServer(replies) { server in
            let client = Self.client(
                Self.account(endpoint: "http://127.0.0.1:\(server.port)", apiVersion: apiVersion))
            _ = try await client.listJobs(after: "ftjob-0", limit: 5)
            _ = try await client.retrieveJob(id: "ftjob-1")
            _ = try await client.listEvents(jobID: "ftjob-1", after: "ftevent-9", limit: 7)
            _ = try await client.listCheckpoints(jobID: "ftjob-1", after: nil, limit: 10)
            _ = try await client.createJob(FineTuningJobRequest(model: "gpt-4o-mini", trainingFile: "file-1"))
            _ = try await client.cancelJob(id: "ftjob-1")
            _ = try await client.pauseJob(id: "ftjob-1")
            _ = try await client.resumeJob(id: "ftjob-1")
            _ = try await client.uploadFile(path: training, size: 3, filename: "t.jsonl")
            _ = try await client.retrieveFile(id: "file-1")
            _ = try await client.downloadFile(id: "file-1")
            let answer = try await client.chatCompletion(
                model: "gpt-4o-mini.ft-abc", deployment: "elle",
                messages: [ChatMessage(role: "user", content: "Hi")])
            #expect(answer.content == "Hi")
            return await server.received
        }
        let root = apiVersion == nil ? "/openai/v1" : "/openai"
        let version = apiVersion.map { ["api-version=\($0)"] } ?? []
        func query(_ own: String...) -> String? {
            let all = version + own
            return all.isEmpty ? nil : all.joined(separator: "&")
        }
        let chatPath = apiVersion == nil ? "/chat/completions" : "/deployments/elle/chat/completions"
        let expected: [(String, String, String?)] = [
            ("GET", "/fine_tuning/jobs", query("after=ftjob-0", "limit=5")),
            ("GET", "/fine_tuning/jobs/ftjob-1", query()),
            ("GET", "/fine_tuning/jobs/ftjob-1/events", query("after=ftevent-9", "limit=7")),
            ("GET", "/fine_tuning/jobs/ftjob-1/checkpoints", query("limit=10")),
            ("POST", "/fine_tuning/jobs", query()),
            ("POST", "/fine_tuning/jobs/ftjob-1/cancel", query()),
            ("POST", "/fine_tuning/jobs/ftjob-1/pause", query()),
            ("POST", "/fine_tuning/jobs/ftjob-1/resume", query()),
            ("POST", "/files", query()),
            ("GET", "/files/file-1", query()),
            ("GET", "/files/file-1/content", query()),
            ("POST", chatPath, query()),
        ]
        #expect(received.count == expected.count)
        for (request, (method, path, query)) in zip(received, expected) {
            #expect(request.method == method, "\(path)")
            #expect(request.path == root + path)
            #expect(request.query.flatMap { $0.isEmpty ? nil : $0 } == query, "\(path)")
            #expect(request.headers["api-key"] == Self.key, "\(path)")
            #expect(request.headers["authorization"] == nil, "\(path)")
            #expect(request.headers["openai-organization"] == nil, "\(path)")
            #expect(request.headers["openai-project"] == nil, "\(path)")
            #expect(request.headers["user-agent"] == OpenAIClient.userAgent, "\(path)")
        }
        let chatBody = try JSONValue.parse(Data(try #require(received.last).body.utf8))
        // v1 names the deployment as the model; the dated surface has it in the path.
        #expect(chatBody["model"] == (apiVersion == nil ? .string("elle") : nil))
        #expect(chatBody["messages"]?.arrayValue?.count == 1)
    }

    @Test func openAIStaysBearerWithItsOrganizationAndProject() {
        var settings = APISettings()
        settings.organization = "org-x"
        settings.project = "proj-x"
        let headers = APISurface.openai.authorizationHeaders(apiKey: "sk-1", settings: settings)
        #expect(headers.map(\.name) == ["Authorization", "OpenAI-Organization", "OpenAI-Project"])
        #expect(headers.first?.value == "Bearer sk-1")
        for surface in [APISurface.azureV1, .azureDated(apiVersion: "2024-10-21")] {
            let azure = surface.authorizationHeaders(apiKey: "k", settings: settings)
            #expect(azure.map(\.name) == ["api-key"])
            #expect(azure.map(\.value) == ["k"])
        }
    }

    // MARK: errors

    static let accessDenied =
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."
    static let badToken =
        "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or has expired."

    @Test func azureEnvelopesAreRead() throws {
        func message(_ status: Int, _ body: String) -> String {
            OpenAIClient.errorMessage(status: status, body: Data(body.utf8))
        }
        let denied = #"{"error":{"code":"401","message":"\#(Self.accessDenied)"}}"#
        #expect(APIErrorEnvelope(body: Data(denied.utf8))?.code == "401")
        // The code repeats the status, which the error already says.
        #expect(message(401, denied) == Self.accessDenied)
        #expect(message(429, #"{"error":{"code":429,"message":"Slow down."}}"#) == "Slow down.")
        #expect(
            message(400, #"{"error":{"code":"invalidPayload","message":"Bad body."}}"#)
                == "Bad body. (invalidPayload)")
        #expect(
            message(
                404,
                #"{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}"#
            )
                == "The API deployment for this resource does not exist. (DeploymentNotFound)")
        #expect(
            message(
                400,
                #"{"error":{"code":"invalidPayload","message":"x","target":"suffix","details":[],"innererror":null}}"#
            )
                == "x (invalidPayload)")
        // The gateway's own envelope: no `error` key.
        let gateway = #"{"statusCode": 401, "message": "\#(Self.badToken)"}"#
        #expect(
            APIErrorEnvelope(body: Data(gateway.utf8))
                == APIErrorEnvelope(message: Self.badToken, code: "401"))
        #expect(message(401, gateway) == Self.badToken)
        #expect(message(403, #"{"statusCode":"403","message":"Forbidden"}"#) == "Forbidden")
        // A `message` alone (an object that is not an error) is no envelope.
        #expect(APIErrorEnvelope(body: Data(#"{"message":"hello"}"#.utf8)) == nil)
        #expect(APIErrorEnvelope(body: Data(#"{"statusCode":401}"#.utf8)) == nil)
    }

    @Test(arguments: [
        #"{"error":{"code":"401","message":"\#(accessDenied)"}}"#,
        #"{"statusCode":401,"message":"\#(badToken)"}"#,
    ])
    func aRejectedKeyIsCredentialsRejectedAtOnce(body: String) async throws {
        let (error, received) = try await APIClientTests.withServer([.init(status: 401, body: body)]) {
            server in
            let client = Self.client(
                Self.account(endpoint: "http://127.0.0.1:\(server.port)", apiVersion: nil))
            let error = await #expect(throws: APIError.self) {
                try await client.listJobs(after: nil, limit: 20)
            }
            return (error, await server.received)
        }
        #expect(received.count == 1)
        #expect(error?.isCredentialsRejected == true)
        #expect(
            error?.message.hasPrefix("Access denied") == true
                || error?.message.hasPrefix("Unauthorized.") == true)
        #expect(error?.description.contains("(401)") == false)
    }

    @Test func a429OrA5xxInAzuresEnvelopeIsRetriedAfterItsDelay() async throws {
        let replies: [ScriptedServer.Reply] = [
            .init(
                status: 429, headers: [("retry-after-ms", "5"), ("retry-after", "1")],
                body:
                    #"{"error":{"code":"429","message":"Requests to the Fine Tuning API have exceeded rate limit."}}"#
            ),
            .init(
                status: 503, headers: [("retry-after", "0")],
                body: #"{"error":{"code":"ServiceUnavailable","message":"busy"}}"#),
            .init(body: APIClientTests.jobBody),
        ]
        let delays = DelayLog()
        let job = try await APIClientTests.withServer(replies) { server in
            let account = Self.account(
                endpoint: "http://127.0.0.1:\(server.port)", apiVersion: "2024-10-21", maxRetries: 3)
            let client = OpenAIClient(
                account: account, apiKey: Self.key, httpClient: .tests, logger: .quiet,
                sleep: { delays.append($0) })
            return try await client.retrieveJob(id: "ftjob-1")
        }
        #expect(job.id == "ftjob-1")
        // retry-after-ms wins over retry-after, as with OpenAI.
        #expect(delays.all == [.milliseconds(5), .zero])
    }

    /// A 3xx to another origin once made the client send the `api-key` header there (it
    /// drops only `Authorization`): redirects are not followed, and the error says where
    /// the answer pointed. Found by a hostile review.
    @Test func aRedirectIsNotFollowedAndTheKeyStaysHome() async throws {
        try await APIClientTests.withServer([.init(body: Self.empty)]) { elsewhere in
            let redirect = ScriptedServer.Reply(
                status: 302,
                headers: [("location", "http://localhost:\(elsewhere.port)/openai/v1/fine_tuning/jobs?sig=x")]
            )
            let error = try await APIClientTests.withServer([redirect]) { server in
                let client = Self.client(
                    Self.account(endpoint: "http://127.0.0.1:\(server.port)", apiVersion: nil, maxRetries: 0))
                return await #expect(throws: APIError.self) {
                    try await client.listJobs(after: nil, limit: 20)
                }
            }
            #expect(await elsewhere.received.isEmpty)
            #expect(error?.httpStatus == 302)
            #expect(
                error?.message.contains("redirected to http://localhost:\(elsewhere.port)/openai/v1/") == true
            )
            #expect(error?.message.contains("sig=") == false)
        }
    }
}

/// The retry delays a client asked to wait, without waiting them.
final class DelayLog: @unchecked Sendable {
    private let lock = NSLock()
    private var delays: [Duration] = []

    func append(_ delay: Duration) { lock.withLock { delays.append(delay) } }

    var all: [Duration] { lock.withLock { delays } }
}
