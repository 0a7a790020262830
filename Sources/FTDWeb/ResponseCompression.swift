import CompressNIO
import Hummingbird
import NIOCore

/// gzip for the text the dashboard sends, when the client accepts it: a 100,000-step job's
/// chart view or a page of the list is JSON of numbers, about a third of its size once
/// compressed, which counts through an SSH tunnel. Small answers go as they are.
struct ResponseCompression<Context: RequestContext>: RouterMiddleware {
    static var minimumSize: Int { 1_024 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        guard Self.acceptsGzip(request.headers[values: .acceptEncoding]),
            response.headers[.contentEncoding] == nil,
            let type = response.headers[.contentType], Self.compressible(type)
        else { return response }
        let collector = Collector()
        try await response.body.write(collector)
        var body = collector.buffer
        guard body.readableBytes >= Self.minimumSize else {
            response.body = ResponseBody(byteBuffer: body)
            return response
        }
        let compressed = try body.compress(with: .gzip)
        response.headers[.contentEncoding] = "gzip"
        response.headers[.vary] = "Accept-Encoding"
        response.headers[.contentLength] = nil
        response.body = ResponseBody(byteBuffer: compressed)
        return response
    }

    static func compressible(_ type: String) -> Bool {
        ["application/json", "text/", "image/svg+xml"].contains { type.hasPrefix($0) }
    }

    /// `Accept-Encoding` takes gzip: named, or covered by `*`, without `q=0`. gzip named
    /// with `q=0` is refused even when `*` follows (RFC 9110 section 12.5.3).
    static func acceptsGzip(_ headers: [String]) -> Bool {
        var gzip: Bool?
        var star: Bool?
        for header in headers {
            for item in header.split(separator: ",") {
                let parts = item.split(separator: ";").map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                }
                guard let coding = parts.first, coding == "gzip" || coding == "*" else { continue }
                let refused = parts.dropFirst().contains { parameter in
                    guard parameter.hasPrefix("q=") else { return false }
                    return (Double(parameter.dropFirst(2)) ?? 1) == 0
                }
                if coding == "gzip" {
                    gzip = (gzip ?? false) || !refused
                } else {
                    star = (star ?? false) || !refused
                }
            }
        }
        return gzip ?? star ?? false
    }

    /// Gathers a body written piece by piece.
    final class Collector: ResponseBodyWriter {
        var buffer = ByteBuffer()

        func write(_ buffer: ByteBuffer) async throws {
            var part = buffer
            self.buffer.writeBuffer(&part)
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
