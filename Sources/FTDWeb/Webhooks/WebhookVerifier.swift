import Crypto
import Foundation

/// Checks a webhook as Standard Webhooks (and so OpenAI) signs it: the HMAC-SHA256, with the
/// account's secret, of `{webhook-id}.{webhook-timestamp}.{body}`, sent base64 in
/// `webhook-signature` as space-separated `v1,SIG` entries of which any one may match (a
/// sender rotating its secret signs with both), and a timestamp at most `tolerance` seconds
/// from now either way. Pure: the clock is an argument, so a test says what time it is.
public struct WebhookVerifier: Sendable {
    /// Standard Webhooks' window, and OpenAI's SDKs' default: five minutes either way.
    public static let defaultTolerance: Int64 = 300
    /// More entries than a rotation needs is not a signature but a way to make us hash in a
    /// loop; the MAC is computed once, so this only bounds the parsing.
    static let maximumEntries = 32

    private let key: SymmetricKey
    public let tolerance: Int64

    /// `secret` is the one the provider shows: `whsec_` and the key in base64. Surrounding
    /// whitespace is dropped (a secret file ends with a newline). A secret without the prefix
    /// is refused rather than guessed at: Standard Webhooks' libraries would base64-decode it,
    /// OpenAI's SDKs would use its text as the key, and guessing wrong would refuse every
    /// webhook with nothing but a 400 to show for it.
    public init(secret: String, tolerance: Int64 = WebhookVerifier.defaultTolerance)
        throws(WebhookSecretError)
    {
        let text = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .empty }
        guard text.hasPrefix("whsec_") else { throw .missingPrefix }
        let encoded = text.dropFirst("whsec_".count)
        guard !encoded.isEmpty else { throw .empty }
        guard let bytes = Data(base64Encoded: String(encoded)) else { throw .notBase64 }
        guard !bytes.isEmpty else { throw .empty }
        self.key = SymmetricKey(data: bytes)
        self.tolerance = tolerance
    }

    /// The three headers as sent (nil when absent), the body's bytes exactly as received, and
    /// the time now in Unix seconds.
    public func verify(
        id: String?, timestamp: String?, signatures: String?, body: some Collection<UInt8>, now: Int64
    ) -> Result<Void, WebhookRejection> {
        guard let id, !id.isEmpty else { return .failure(.missingHeader("webhook-id")) }
        guard let timestamp, !timestamp.isEmpty else { return .failure(.missingHeader("webhook-timestamp")) }
        guard let signatures, !signatures.allSatisfy(\.isWhitespace) else {
            return .failure(.missingHeader("webhook-signature"))
        }
        // Digits only: Int64("+5") and Int64("-5") parse, and neither is what a sender writes.
        guard timestamp.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let sent = Int64(timestamp)
        else { return .failure(.badTimestamp(String(timestamp.prefix(40)))) }
        // Saturating: a timestamp near Int64.max must be refused, not trap.
        let (earliest, underflow) = now.subtractingReportingOverflow(tolerance)
        let (latest, overflow) = now.addingReportingOverflow(tolerance)
        if !underflow, sent < earliest { return .failure(.tooOld(seconds: Self.distance(now, sent))) }
        if !overflow, sent > latest { return .failure(.tooNew(seconds: Self.distance(sent, now))) }

        let expected = mac(id: id, timestamp: timestamp, body: body)
        var offered = 0
        var malformed: String?
        for entry in signatures.split(whereSeparator: \.isWhitespace).prefix(Self.maximumEntries) {
            guard let comma = entry.firstIndex(of: ",") else {
                malformed = malformed ?? String(entry.prefix(40))
                continue
            }
            // Other versions (v1a is Standard Webhooks' asymmetric one) are not ours to check.
            guard entry[..<comma] == "v1" else { continue }
            guard let bytes = Data(base64Encoded: String(entry[entry.index(after: comma)...])) else {
                malformed = malformed ?? String(entry.prefix(40))
                continue
            }
            offered += 1
            // HashedAuthenticationCode's == compares in constant time (swift-crypto's safeCompare).
            if expected == bytes { return .success(()) }
        }
        if offered == 0, let malformed { return .failure(.malformedSignature(malformed)) }
        return .failure(.noMatchingSignature)
    }

    /// The `webhook-signature` value this secret gives: what a sender (the simulator, a test)
    /// puts on a webhook.
    public func signature(id: String, timestamp: String, body: some Collection<UInt8>) -> String {
        "v1," + Data(mac(id: id, timestamp: timestamp, body: body)).base64EncodedString()
    }

    /// `later - earlier`, or Int64.max where that does not fit.
    private static func distance(_ later: Int64, _ earlier: Int64) -> Int64 {
        let (difference, overflow) = later.subtractingReportingOverflow(earlier)
        return overflow ? .max : difference
    }

    private func mac(id: String, timestamp: String, body: some Collection<UInt8>) -> HMAC<SHA256>.MAC {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Array("\(id).\(timestamp).".utf8))
        let contiguous: Void? = body.withContiguousStorageIfAvailable {
            hmac.update(data: UnsafeRawBufferPointer($0))
        }
        if contiguous == nil { hmac.update(data: Array(body)) }
        return hmac.finalize()
    }
}

/// Why a webhook secret cannot be used; said when the configuration is read.
public enum WebhookSecretError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case missingPrefix
    case notBase64

    public var description: String {
        switch self {
        case .empty: "the webhook secret is empty"
        case .missingPrefix:
            "the webhook secret does not start with whsec_: give it as the provider shows it (whsec_ and base64)"
        case .notBase64: "the webhook secret's part after whsec_ is not base64"
        }
    }
}

/// Why a webhook was refused: each is answered 400 and changes nothing.
public enum WebhookRejection: Error, Equatable, Sendable, CustomStringConvertible {
    /// The header named is absent or empty.
    case missingHeader(String)
    /// `webhook-timestamp` is not a whole number of seconds (the start of it is kept).
    case badTimestamp(String)
    /// Sent that many seconds before now, beyond the tolerance.
    case tooOld(seconds: Int64)
    /// Sent that many seconds after now, beyond the tolerance.
    case tooNew(seconds: Int64)
    /// Some `v1` signature was offered and none is this secret's.
    case noMatchingSignature
    /// No `v1` signature could be read: an entry (its start kept) is not `VERSION,BASE64`.
    case malformedSignature(String)

    public var description: String {
        switch self {
        case .missingHeader(let name): "no \(name) header"
        case .badTimestamp(let text): "webhook-timestamp \(text.debugDescription) is not Unix seconds"
        case .tooOld(let seconds): "webhook-timestamp is \(seconds) s old, more than the tolerance"
        case .tooNew(let seconds): "webhook-timestamp is \(seconds) s ahead, more than the tolerance"
        case .noMatchingSignature: "no signature in webhook-signature matches this account's secret"
        case .malformedSignature(let entry):
            "webhook-signature entry \(entry.debugDescription) is not v1,BASE64"
        }
    }
}
