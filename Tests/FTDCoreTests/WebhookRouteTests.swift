import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import FTDConfig
@testable import FTDModel
@testable import FTDWeb

/// `POST /webhooks/{account}` through the router (SPEC section 9).
struct WebhookRouteTests {
    typealias Vector = WebhookVerifierTests.FixtureVector
    typealias Example = WebhookVerifierTests.OpenAIExample

    /// A server whose account `default` takes webhooks signed with the fixture's secret, and
    /// `other` those signed with OpenAI's example secret; `synced` hears each sync asked for.
    struct Harness {
        let synced: Locked<[String]>
        var server: WebServer

        init(
            settings: HTTPSettings = WebServerTests.loopback, token: String? = nil,
            now: Int64 = Vector.timestamp
        )
            throws
        {
            server = WebServerTests.server(try WebServerTests.store(), settings: settings, token: token)
            let synced = Locked<[String]>([])
            self.synced = synced
            var endpoint = WebhookEndpoint(
                verifiers: [
                    "default": try WebhookVerifier(secret: Vector.secret),
                    "other": try WebhookVerifier(secret: Example.secret),
                ],
                logger: StoreSample.logger
            ) { account, job in synced.withLock { $0.append("\(account)/\(job)") } }
            endpoint.now = { now }
            server.webhooks = endpoint
        }

        var calls: [String] { synced.withLock { $0 } }

        func post(
            _ uri: String, body: [UInt8], headers: HTTPFields, method: HTTPRequest.Method = .post
        ) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
            let application = Application(router: server.router())
            return try await application.test(.router) { client in
                try await client.execute(
                    uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: body)
                ) { response in (response.status, response.headers, String(buffer: response.body)) }
            }
        }

        /// The three headers, signed with `secret` unless `signature` is given.
        static func headers(
            id: String = Vector.id, timestamp: Int64 = Vector.timestamp, body: [UInt8],
            secret: String = Vector.secret,
            signature: String? = nil
        ) throws -> HTTPFields {
            let signed = try WebhookVerifier(secret: secret).signature(
                id: id, timestamp: String(timestamp), body: body)
            return [
                .webhookID: id, .webhookTimestamp: String(timestamp), .webhookSignature: signature ?? signed,
                .contentType: "application/json",
            ]
        }
    }

    static func fixture() throws -> [UInt8] { Array(try Fixtures.data("webhook-fine-tuning-succeeded.json")) }

    @Test func aSignedFineTuningEventSyncsItsJobAndIsAnswered200() async throws {
        let harness = try Harness()
        let body = try Self.fixture()
        // The signature computed apart (WebhookVerifierTests), not by ftd's own signer.
        let headers = try Harness.headers(body: body, signature: Vector.signature)
        let answer = try await harness.post("/webhooks/default", body: body, headers: headers)
        #expect(answer.status == .ok)
        #expect(answer.body == #"{"ok":true}"# + "\n")
        #expect(harness.calls == ["default/ftjob_abc123"])
    }

    @Test func aRepeatedWebhookIDIsAnswered200AndIgnored() async throws {
        let harness = try Harness()
        let body = try Self.fixture()
        let headers = try Harness.headers(body: body)
        #expect(try await harness.post("/webhooks/default", body: body, headers: headers).status == .ok)
        let again = try await harness.post("/webhooks/default", body: body, headers: headers)
        #expect(again.status == .ok)
        #expect(again.body.contains("repeated"))
        #expect(harness.calls == ["default/ftjob_abc123"])
        // Another delivery (another id) of the same event syncs again: the id is the key.
        let other = try Harness.headers(id: "wh_ftd_0002", body: body)
        #expect(try await harness.post("/webhooks/default", body: body, headers: other).status == .ok)
        #expect(harness.calls.count == 2)
        // The same id at another account's endpoint is that account's own delivery.
        let elsewhere = try Harness.headers(body: body, secret: Example.secret)
        #expect(try await harness.post("/webhooks/other", body: body, headers: elsewhere).status == .ok)
        #expect(harness.calls.last == "other/ftjob_abc123")
    }

    @Test func anEventAboutSomethingElseIsAnswered200AndIgnored() async throws {
        let harness = try Harness(now: 1_750_861_210)
        var headers = try Harness.headers(
            id: Example.id, timestamp: 1_750_861_210, body: Example.body, signature: Example.signature)
        let answer = try await harness.post("/webhooks/other", body: Example.body, headers: headers)
        #expect(answer.status == .ok)
        #expect(answer.body.contains("response.completed is not about a fine-tuning job"))
        #expect(harness.calls.isEmpty)
        // The same, under an account with another secret: refused.
        headers[.webhookID] = "wh_again"
        #expect(
            try await harness.post("/webhooks/default", body: Example.body, headers: headers).status
                == .badRequest)
    }

    @Test func forgeriesAndStaleOrUnknownOnesGet400AndChangeNothing() async throws {
        let harness = try Harness()
        let body = try Self.fixture()
        var tampered = body
        tampered[tampered.count / 2] ^= 0x20
        let cases: [(String, [UInt8], HTTPFields, String)] = [
            ("/webhooks/default", tampered, try Harness.headers(body: body), "no signature"),
            (
                "/webhooks/default", body, try Harness.headers(body: body, secret: Example.secret),
                "no signature"
            ),
            (
                "/webhooks/default", body, try Harness.headers(timestamp: Vector.timestamp - 301, body: body),
                "s old"
            ),
            (
                "/webhooks/default", body, try Harness.headers(timestamp: Vector.timestamp + 301, body: body),
                "s ahead"
            ),
            ("/webhooks/nobody", body, try Harness.headers(body: body), "takes webhooks"),
            ("/webhooks/default", body, [.contentType: "application/json"], "no webhook-id header"),
            ("/webhooks/default", body, try Harness.headers(body: body, signature: "v1,!!"), "not v1,BASE64"),
        ]
        for (uri, sent, headers, reason) in cases {
            let answer = try await harness.post(uri, body: sent, headers: headers)
            #expect(answer.status == .badRequest, "\(reason)")
            #expect(answer.body.contains(reason), "\(answer.body)")
        }
        #expect(harness.calls.isEmpty)
        // None of them was remembered: the genuine delivery with the same id still syncs.
        #expect(
            try await harness.post("/webhooks/default", body: body, headers: Harness.headers(body: body))
                .status == .ok)
        #expect(harness.calls == ["default/ftjob_abc123"])
    }

    @Test func aSignedBodyThatIsNotAnEventGets400AndIsNotRemembered() async throws {
        let harness = try Harness()
        let broken = Array(#"{"id": "evt_1", "type": "fine_tuning.job.succeeded"}"#.utf8)
        let answer = try await harness.post(
            "/webhooks/default", body: broken, headers: Harness.headers(body: broken))
        #expect(answer.status == .badRequest)
        #expect(answer.body.contains("needs data.id"))
        #expect(harness.calls.isEmpty)
    }

    @Test func severalSignatureFieldsAreOneList() async throws {
        let harness = try Harness()
        let body = try Self.fixture()
        var headers = try Harness.headers(body: body, signature: WebhookVerifierTests.other)
        headers[values: .webhookSignature] = [WebhookVerifierTests.other, Vector.signature]
        #expect(try await harness.post("/webhooks/default", body: body, headers: headers).status == .ok)
        #expect(harness.calls.count == 1)
    }

    @Test func anOversizedBodyIsRefusedUnread() async throws {
        let harness = try Harness()
        let body = [UInt8](repeating: 0x20, count: WebhookEndpoint.maximumBody + 1)
        let answer = try await harness.post(
            "/webhooks/default", body: body, headers: Harness.headers(body: body))
        #expect(answer.status == .badRequest)
        #expect(answer.body.contains("over"))
    }

    @Test func webhooksNeedNoTokenAndEverythingElseStillDoes() async throws {
        let harness = try Harness(
            settings: HTTPSettings(host: "0.0.0.0", port: 0, tokenFile: "/t"), token: WebServerTests.token)
        let body = try Self.fixture()
        #expect(
            try await harness.post("/webhooks/default", body: body, headers: Harness.headers(body: body))
                .status == .ok)
        // Only POST under /webhooks/; the rest of the server stays read-only and behind its token.
        let get = try await harness.post("/webhooks/default", body: [], headers: [:], method: .get)
        #expect(get.status == .methodNotAllowed)
        #expect(get.headers[.allow] == "POST")
        #expect(try await harness.post("/api/jobs", body: body, headers: [:]).status == .methodNotAllowed)
        #expect(
            try await harness.post("/api/jobs", body: [], headers: [:], method: .get).status == .unauthorized)
    }

    @Test func withoutAnEndpointEveryWebhookGets400() async throws {
        let server = WebServerTests.server(try WebServerTests.store())
        let body = try Self.fixture()
        let application = Application(router: server.router())
        let status = try await application.test(.router) { client in
            try await client.execute(
                uri: "/webhooks/default", method: .post, headers: Harness.headers(body: body),
                body: ByteBuffer(bytes: body)
            ) { $0.status }
        }
        #expect(status == .badRequest)
    }
}
