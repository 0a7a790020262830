import FTDConfig
import Foundation
import Hummingbird

/// In front of every route: the server only reads (anything but GET and HEAD is 405), a loopback
/// server answers only requests addressed to it by name (DNS rebinding), and with a token
/// every request must carry it. Every answer forbids third-party content and framing.
///
/// The one exception is `/webhooks/`: there only POST is served (anything else is 405), with
/// no token and no Host check, since the provider knows neither and the signature
/// authenticates each request (`WebhookEndpoint`). A reverse proxy can expose that prefix
/// alone to the internet.
struct AccessGuard<Context: RequestContext>: RouterMiddleware {
    static var cookieName: String { "ftd_token" }
    static var webhookPrefix: String { "/webhooks/" }

    let settings: HTTPSettings
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await answer(request, context: context, next: next)
        response.headers[.contentSecurityPolicy] = "default-src 'self'; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func answer(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        if request.uri.path.hasPrefix(Self.webhookPrefix) {
            guard request.method == .post else {
                var response = Response.problem("webhooks are posted: use POST", status: .methodNotAllowed)
                response.headers[.allow] = "POST"
                return response
            }
            return try await forward(request, context: context, next: next)
        }
        // HEAD is GET without the body (RFC 9110 9.3.2), which the router makes of every
        // GET route: load balancers and health checkers ask it.
        guard request.method == .get || request.method == .head else {
            var response = Response.problem("the dashboard only reads: use GET", status: .methodNotAllowed)
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        if settings.isLoopback, !Self.hostAllowed(request.head.authority, listening: settings.host) {
            return .problem("this server answers only to localhost or \(settings.host)", status: .forbidden)
        }
        if let token {
            if let offered = request.uri.queryParameters["token"].map(String.init), request.uri.path == "/" {
                guard Self.same(offered, token) else { return .problem("wrong token", status: .unauthorized) }
                // The token leaves the address bar for a cookie only this site sends.
                var response = Response(status: .seeOther)
                response.headers[.location] = "/"
                response.headers[.setCookie] =
                    "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict"
                return response
            }
            guard let presented = Self.presentedToken(request), Self.same(presented, token) else {
                var response = Response.problem(
                    "a token is needed: Authorization: Bearer TOKEN, or open /?token=TOKEN once",
                    status: .unauthorized)
                response.headers[.wwwAuthenticate] = "Bearer"
                return response
            }
        }
        return try await forward(request, context: context, next: next)
    }

    private func forward(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return .problem(error.body ?? "\(error.status.reasonPhrase)", status: error.status)
        }
    }

    /// The name part of `Host` is the listen address, or a name of this machine itself.
    static func hostAllowed(_ header: String?, listening: String) -> Bool {
        guard let header, !header.isEmpty else { return false }
        let text = Substring(header.lowercased())
        var name = text
        var port: Substring = ""
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return false }
            name = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { return false }
            port = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
            name = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        // Only a port may follow the name: `127.0.0.1:80@evil` or `localhost:80, evil` is
        // not a Host a browser sends.
        guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return ["localhost", "127.0.0.1", "::1", listening.lowercased()].contains(String(name))
    }

    static func presentedToken(_ request: Request) -> String? {
        // The scheme is case-insensitive (RFC 9110 section 11.1): `bearer` is `Bearer`.
        if let authorization = request.headers[.authorization],
            authorization.prefix("Bearer ".count).lowercased() == "bearer "
        {
            return String(authorization.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == cookieName { return String(parts[1]) }
            }
        }
        return nil
    }

    /// Compares in time that does not depend on where the first difference is.
    static func same(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        var difference = left.count ^ right.count
        for index in 0..<max(left.count, right.count) {
            let x = index < left.count ? left[index] : 0
            let y = index < right.count ? right[index] : 0
            difference |= Int(x ^ y)
        }
        return difference == 0
    }
}
