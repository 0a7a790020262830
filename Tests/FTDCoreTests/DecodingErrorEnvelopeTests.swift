import Foundation
import Testing

@testable import FTDAPI

@Suite struct DecodingErrorEnvelopeTests {
    @Test func everyErrorFixtureHasAMessageAndCode() throws {
        let names = try Fixtures.names(withSuffix: ".json").filter { $0.hasPrefix("error-") }
        #expect(names.count >= 3)
        for name in names {
            let envelope = try #require(APIErrorEnvelope(body: Fixtures.data(name)), "\(name)")
            #expect(envelope.message?.isEmpty == false, "\(name)")
            #expect(envelope.code?.isEmpty == false, "\(name)")
        }
    }

    @Test func openAIEnvelope() throws {
        let envelope = try #require(APIErrorEnvelope(body: Fixtures.data("error-429.json")))
        #expect(
            envelope
                == APIErrorEnvelope(
                    message: "Rate limit reached for requests", code: "rate_limit_exceeded", type: "requests")
        )
        let unauthorized = try #require(APIErrorEnvelope(body: Fixtures.data("error-401.json")))
        #expect(unauthorized.code == "invalid_api_key")
        #expect(unauthorized.type == "invalid_request_error")
    }

    @Test func azureLegacyEnvelope() throws {
        let envelope = try #require(APIErrorEnvelope(body: Fixtures.data("error-azure-legacy.json")))
        #expect(envelope.message == "Rate limit is exceeded. Try again in 2 seconds.")
        #expect(envelope.code == "tooManyRequests")
        #expect(envelope.param == nil)
    }

    @Test(arguments: ["", "<html></html>", "{}", #"{"error":null}"#, #"{"error":{}}"#, "[]"])
    func notAnEnvelope(body: String) {
        #expect(APIErrorEnvelope(body: Data(body.utf8)) == nil)
    }

    @Test func bareStringError() {
        #expect(APIErrorEnvelope(body: Data(#"{"error":"overloaded"}"#.utf8))?.message == "overloaded")
    }
}
