import Foundation
import Testing

@testable import FTDWeb

/// SPEC section 9's webhook signature: Standard Webhooks' HMAC-SHA256 over
/// `id.timestamp.body`, several `v1,SIG` entries, a 300 s window either way.
struct WebhookVerifierTests {
    /// OpenAI's published example (docs/openai-fine-tuning-api.md, "Webhooks").
    enum OpenAIExample {
        static let secret = "whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c="
        static let id = "wh_685c059ae39c8190af8c71ed1022a24d"
        static let timestamp = "1750861210"
        static let body = Array(
            #"{"id": "evt_685c059ae3a481909bdc86819b066fb6", "object": "event", "created_at": 1750861210, "type": "response.completed", "data": {"id": "resp_123"}}"#
                .utf8)
        static let signature = "v1,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY="
    }

    /// Computed apart from ftd, with Python's hmac and base64 modules, over the fixture's bytes:
    /// `hmac.new(b"ftd webhook test key, 32 bytes!!", b"wh_ftd_0001.1719168000." + body, sha256)`.
    enum FixtureVector {
        static let secret = "whsec_ZnRkIHdlYmhvb2sgdGVzdCBrZXksIDMyIGJ5dGVzISE="
        static let id = "wh_ftd_0001"
        static let timestamp: Int64 = 1_719_168_000
        static let signature = "v1,vvYt0GPvPpRwHLg4XoOzFgI53rLYABjkDRKtyqeL14Q="
    }

    static let other = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

    func openAI(signatures: String?, body: [UInt8] = OpenAIExample.body, now: Int64 = 1_750_861_210)
        throws -> Result<Void, WebhookRejection>
    {
        try WebhookVerifier(secret: OpenAIExample.secret).verify(
            id: OpenAIExample.id, timestamp: OpenAIExample.timestamp, signatures: signatures, body: body,
            now: now)
    }

    @Test func openAIsExampleIsAccepted() throws {
        #expect(try openAI(signatures: OpenAIExample.signature) == .success(()))
        let verifier = try WebhookVerifier(secret: OpenAIExample.secret)
        #expect(
            verifier.signature(
                id: OpenAIExample.id, timestamp: OpenAIExample.timestamp, body: OpenAIExample.body)
                == OpenAIExample.signature)
    }

    @Test func theFixtureSignedApartIsAccepted() throws {
        let body = try Fixtures.data("webhook-fine-tuning-succeeded.json")
        let verifier = try WebhookVerifier(secret: FixtureVector.secret)
        let result = verifier.verify(
            id: FixtureVector.id, timestamp: String(FixtureVector.timestamp),
            signatures: FixtureVector.signature,
            body: body, now: FixtureVector.timestamp + 10)
        #expect(result == .success(()))
        // A body that is not contiguous storage is hashed the same.
        let chunked = verifier.verify(
            id: FixtureVector.id, timestamp: String(FixtureVector.timestamp),
            signatures: FixtureVector.signature,
            body: body.lazy.map { $0 }, now: FixtureVector.timestamp)
        #expect(chunked == .success(()))
    }

    @Test func anyOfSeveralSignaturesMayMatch() throws {
        #expect(try openAI(signatures: "\(Self.other) \(OpenAIExample.signature)") == .success(()))
        #expect(try openAI(signatures: "\(OpenAIExample.signature) \(Self.other)") == .success(()))
        #expect(try openAI(signatures: "\(Self.other) \(Self.other)") == .failure(.noMatchingSignature))
    }

    @Test func otherVersionsAreIgnored() throws {
        let sig = OpenAIExample.signature.dropFirst(3)
        // The right bytes under another version do not count.
        #expect(try openAI(signatures: "v1a,\(sig) v2,\(sig)") == .failure(.noMatchingSignature))
        #expect(try openAI(signatures: "v1a,notbase64!! \(OpenAIExample.signature)") == .success(()))
        #expect(try openAI(signatures: "V1,\(sig)") == .failure(.noMatchingSignature))
    }

    @Test func whitespaceAroundAndBetweenEntriesIsAllowed() throws {
        let sig = OpenAIExample.signature
        for header in [
            "  \(sig)", "\(sig)  ", "\(Self.other)   \(sig)", "\(Self.other)\t\(sig)",
            " \(Self.other) \(sig) ",
        ] {
            #expect(try openAI(signatures: header) == .success(()), "\(header.debugDescription)")
        }
        // Inside an entry a space splits it: `v1, SIG` is two broken entries.
        #expect(try openAI(signatures: "v1, \(sig.dropFirst(3))") != .success(()))
    }

    @Test func malformedEntriesAreSaidWhenNothingElseWasOffered() throws {
        #expect(try openAI(signatures: "garbage") == .failure(.malformedSignature("garbage")))
        #expect(try openAI(signatures: "v1,not*base64") == .failure(.malformedSignature("v1,not*base64")))
        // A readable v1 entry beside a broken one: it is the signature that is wrong.
        #expect(try openAI(signatures: "garbage \(Self.other)") == .failure(.noMatchingSignature))
        #expect(try openAI(signatures: "garbage \(OpenAIExample.signature)") == .success(()))
        // Right base64, wrong length: no match, no trap.
        #expect(try openAI(signatures: "v1,AAAA") == .failure(.noMatchingSignature))
        #expect(try openAI(signatures: "v1,") == .failure(.noMatchingSignature))
    }

    @Test func aWrongSecretOrAChangedBodyIsRefused() throws {
        let wrong = try WebhookVerifier(secret: FixtureVector.secret).verify(
            id: OpenAIExample.id, timestamp: OpenAIExample.timestamp, signatures: OpenAIExample.signature,
            body: OpenAIExample.body, now: 1_750_861_210)
        #expect(wrong == .failure(.noMatchingSignature))
        for index in [0, OpenAIExample.body.count / 2, OpenAIExample.body.count - 1] {
            var body = OpenAIExample.body
            body[index] ^= 0x01
            #expect(
                try openAI(signatures: OpenAIExample.signature, body: body) == .failure(.noMatchingSignature))
        }
        #expect(
            try openAI(signatures: OpenAIExample.signature, body: OpenAIExample.body + [0x0A]) != .success(())
        )
        // The id and the timestamp are signed too.
        let verifier = try WebhookVerifier(secret: OpenAIExample.secret)
        #expect(
            verifier.verify(
                id: OpenAIExample.id + "x", timestamp: OpenAIExample.timestamp,
                signatures: OpenAIExample.signature,
                body: OpenAIExample.body, now: 1_750_861_210) == .failure(.noMatchingSignature))
        #expect(
            verifier.verify(
                id: OpenAIExample.id, timestamp: "1750861211", signatures: OpenAIExample.signature,
                body: OpenAIExample.body, now: 1_750_861_210) == .failure(.noMatchingSignature))
    }

    @Test func theWindowIsThreeHundredSecondsEitherWay() throws {
        let sent: Int64 = 1_750_861_210
        let sig = OpenAIExample.signature
        #expect(try openAI(signatures: sig, now: sent + 299) == .success(()))
        #expect(try openAI(signatures: sig, now: sent - 299) == .success(()))
        #expect(try openAI(signatures: sig, now: sent + 300) == .success(()))
        #expect(try openAI(signatures: sig, now: sent - 300) == .success(()))
        #expect(try openAI(signatures: sig, now: sent + 301) == .failure(.tooOld(seconds: 301)))
        #expect(try openAI(signatures: sig, now: sent - 301) == .failure(.tooNew(seconds: 301)))
        // The window is checked before the signature: a stale forgery says it is stale.
        #expect(try openAI(signatures: Self.other, now: sent + 10_000) == .failure(.tooOld(seconds: 10_000)))
    }

    @Test func aTimestampThatIsNotUnixSecondsIsRefused() throws {
        let verifier = try WebhookVerifier(secret: OpenAIExample.secret)
        for text in ["abc", "1750861210.5", "+1750861210", "-1750861210", " 1750861210", "1e9", "１７５０８６１２１０"]
        {
            let result = verifier.verify(
                id: "x", timestamp: text, signatures: OpenAIExample.signature, body: OpenAIExample.body,
                now: 1_750_861_210)
            #expect(result == .failure(.badTimestamp(text)), "\(text.debugDescription)")
        }
    }

    @Test func aHugeTimestampIsRefusedWithoutATrap() throws {
        let verifier = try WebhookVerifier(secret: OpenAIExample.secret)
        func check(_ timestamp: String, now: Int64) -> Result<Void, WebhookRejection> {
            verifier.verify(id: "x", timestamp: timestamp, signatures: Self.other, body: [UInt8](), now: now)
        }
        #expect(
            check("9223372036854775807", now: 1_750_861_210)
                == .failure(.tooNew(seconds: .max - 1_750_861_210)))
        #expect(check("9223372036854775807", now: .min) == .failure(.tooNew(seconds: .max)))
        #expect(check("9223372036854775807", now: .max) == .failure(.noMatchingSignature))
        #expect(check("0", now: .max) == .failure(.tooOld(seconds: .max)))
        #expect(check("0", now: .min) == .failure(.tooNew(seconds: .max)))
        let tooLong = "99999999999999999999999999999999999999999999999999"
        #expect(check(tooLong, now: 1_750_861_210) == .failure(.badTimestamp(String(tooLong.prefix(40)))))
    }

    @Test func missingHeadersAreNamed() throws {
        let verifier = try WebhookVerifier(secret: OpenAIExample.secret)
        let body = OpenAIExample.body
        let now: Int64 = 1_750_861_210
        let sig = OpenAIExample.signature
        let ts = OpenAIExample.timestamp
        #expect(
            verifier.verify(id: nil, timestamp: ts, signatures: sig, body: body, now: now)
                == .failure(.missingHeader("webhook-id")))
        #expect(
            verifier.verify(id: "", timestamp: ts, signatures: sig, body: body, now: now)
                == .failure(.missingHeader("webhook-id")))
        #expect(
            verifier.verify(id: "x", timestamp: nil, signatures: sig, body: body, now: now)
                == .failure(.missingHeader("webhook-timestamp")))
        #expect(
            verifier.verify(id: "x", timestamp: ts, signatures: nil, body: body, now: now)
                == .failure(.missingHeader("webhook-signature")))
        #expect(
            verifier.verify(id: "x", timestamp: ts, signatures: "  ", body: body, now: now)
                == .failure(.missingHeader("webhook-signature")))
    }

    /// Refused, not guessed: Standard Webhooks' libraries base64-decode an unprefixed secret,
    /// OpenAI's SDKs use its text, and a wrong guess would refuse every webhook in silence.
    @Test func aSecretMustBeWhsecAndBase64() throws {
        #expect(throws: WebhookSecretError.empty) { try WebhookVerifier(secret: "") }
        #expect(throws: WebhookSecretError.empty) { try WebhookVerifier(secret: " \n") }
        #expect(throws: WebhookSecretError.empty) { try WebhookVerifier(secret: "whsec_") }
        #expect(throws: WebhookSecretError.missingPrefix) {
            try WebhookVerifier(secret: "RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c=")
        }
        #expect(throws: WebhookSecretError.notBase64) { try WebhookVerifier(secret: "whsec_not base64!") }
        // As read from a file: the newline at its end is not part of the secret.
        let fromFile = try WebhookVerifier(secret: OpenAIExample.secret + "\n")
        #expect(
            fromFile.verify(
                id: OpenAIExample.id, timestamp: OpenAIExample.timestamp, signatures: OpenAIExample.signature,
                body: OpenAIExample.body, now: 1_750_861_210) == .success(()))
        #expect(WebhookSecretError.missingPrefix.description.contains("whsec_"))
    }

    @Test func rejectionsSayWhatWasWrong() {
        #expect(WebhookRejection.missingHeader("webhook-id").description == "no webhook-id header")
        #expect(WebhookRejection.tooOld(seconds: 301).description.contains("301 s old"))
        #expect(WebhookRejection.tooNew(seconds: 301).description.contains("301 s ahead"))
        #expect(WebhookRejection.badTimestamp("abc").description.contains("\"abc\""))
    }
}

/// `Result<Void, _>` is not Equatable (Void is not); an accepted webhook is `.success(())`.
func == (lhs: Result<Void, WebhookRejection>, rhs: Result<Void, WebhookRejection>) -> Bool {
    switch (lhs, rhs) {
    case (.success, .success): true
    case (.failure(let left), .failure(let right)): left == right
    default: false
    }
}

func != (lhs: Result<Void, WebhookRejection>, rhs: Result<Void, WebhookRejection>) -> Bool { !(lhs == rhs) }
