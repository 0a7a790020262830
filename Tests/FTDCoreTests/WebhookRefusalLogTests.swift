import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import FTDModel
@testable import FTDWeb

/// Anyone can post a refused webhook: the log must not say so once per request.
struct WebhookRefusalLogTests {
    typealias Vector = WebhookVerifierTests.FixtureVector

    @Test func aFloodOfForgeriesIsLoggedAFewLinesAMinuteAndThenCounted() async throws {
        let records = LogRecords()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(records: records) }
        let clock = Locked<Int64>(Vector.timestamp)
        var endpoint = WebhookEndpoint(
            verifiers: ["default": try WebhookVerifier(secret: Vector.secret)], logger: logger
        ) { _, _ in }
        endpoint.now = { clock.withLock { $0 } }
        var server = WebServerTests.server(try WebServerTests.store())
        server.webhooks = endpoint
        let body = Array(#"{"id":"evt_1","type":"fine_tuning.job.succeeded","data":{"id":"ftjob_x"}}"#.utf8)
        let headers: HTTPFields = [
            .webhookID: "wh_1", .webhookTimestamp: String(Vector.timestamp),
            .webhookSignature: "v1," + Data(repeating: 1, count: 32).base64EncodedString(),
        ]
        let application = Application(router: server.router())
        try await application.test(.router) { client in
            for _ in 0..<50 {
                let status = try await client.execute(
                    uri: "/webhooks/default", method: .post, headers: headers, body: ByteBuffer(bytes: body)
                ) { $0.status }
                #expect(status == .badRequest)
            }
            // A minute later the next refusal is logged, and so is the count of the unlogged.
            clock.withLock { $0 += 60 }
            _ = try await client.execute(
                uri: "/webhooks/default", method: .post, headers: headers, body: ByteBuffer(bytes: body)
            ) { $0.status }
        }
        let lines = records.all.map(\.text)
        #expect(lines.filter { $0.hasPrefix("webhook refused") }.count == 11, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("40 more webhook(s) refused") }, "\(lines)")
    }
}
