import Hummingbird
import NIOCore

extension Response {
    static func json(_ value: SimJSON, status: HTTPResponse.Status = .ok) -> Response {
        json(text: value.serialized, status: status)
    }

    static func json(text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func apiError(_ error: SimulatorAPIError, flavor: SimulatorFlavor = .openai) -> Response {
        json(error.envelope(for: flavor), status: HTTPResponse.Status(code: error.status))
    }
}

// HTTPField itself is not re-exported by Hummingbird; reach it through HTTPFields.
extension HTTPFields.Element.Name {
    static let requestID = Self("x-request-id")!
    static let apiKey = Self("api-key")!
    static let retryAfter = Self("retry-after")!
    static let retryAfterMs = Self("retry-after-ms")!
    static let shouldRetry = Self("x-should-retry")!
    static let rateLimitLimitRequests = Self("x-ratelimit-limit-requests")!
    static let rateLimitRemainingRequests = Self("x-ratelimit-remaining-requests")!
    static let rateLimitResetRequests = Self("x-ratelimit-reset-requests")!
}

extension Request {
    /// The request body, up to `limit` bytes.
    mutating func bodyBytes(limit: Int = 64 << 20) async throws -> [UInt8] {
        let buffer = try await collectBody(upTo: limit)
        return Array(buffer.readableBytesView)
    }

    func query(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init)
    }
}
