import Hummingbird
import NIOCore

/// Turns an injected fault into the answer a misbehaving API or proxy would give.
struct FaultResponder: Sendable {
    let state: SimulatorState
    var flavor: SimulatorFlavor = .openai

    /// Raised inside a response body to close the connection before the declared length.
    struct DeliberateTruncation: Error {}

    func respond(with fault: FaultRule.Kind, real: () async -> Response) async -> Response {
        switch fault {
        case .status(let code, let retryAfter, let retryAfterMs, let shouldRetry):
            var response = Response.apiError(Self.error(status: code), flavor: flavor)
            if let retryAfter { response.headers[.retryAfter] = retryAfter }
            if let retryAfterMs { response.headers[.retryAfterMs] = retryAfterMs }
            if let shouldRetry { response.headers[.shouldRetry] = shouldRetry ? "true" : "false" }
            return response
        case .delay(let seconds):
            await state.waitUnlessStopping(seconds: seconds)
            return await real()
        case .malformedBody:
            return .json(text: "<html><body><h1>502 Bad Gateway</h1>upstream sent garbage</body></html>")
        case .wrongShape:
            return .json(
                SimJSON.object([
                    ("unexpected", .bool(true)), ("items", .string("not a list")), ("data", .int(42)),
                ]))
        case .truncatedBody:
            return await truncated(real())
        }
    }

    private static func error(status: Int) -> SimulatorAPIError {
        switch status {
        case 429: return .rateLimited
        case 500...: return .server(status: status)
        default: return SimulatorAPIError(status: status, message: "Injected fault: HTTP \(status)")
        }
    }

    private func truncated(_ response: Response) async -> Response {
        let collector = BodyCollector()
        try? await response.body.write(CollectingBodyWriter(collector: collector))
        let full = collector.buffer
        let half = full.getSlice(at: full.readerIndex, length: full.readableBytes / 2) ?? ByteBuffer()
        var headers = response.headers
        headers[.contentLength] = String(full.readableBytes)
        let body = ResponseBody(contentLength: full.readableBytes) { writer in
            try await writer.write(half)
            throw DeliberateTruncation()
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}

/// Holds the bytes a response body writes; used by one task only.
private final class BodyCollector {
    var buffer = ByteBuffer()
}

private struct CollectingBodyWriter: ResponseBodyWriter {
    let collector: BodyCollector

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        collector.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
