import Foundation

/// One request of the API: method, path below the base URL, and query. Its
/// `description` (`GET /fine_tuning/jobs/ftjob-x/events`) is what errors and logs name:
/// never the host, the query or a header.
public struct APIEndpoint: Sendable, Equatable, CustomStringConvertible {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    /// Path segments, e.g. `["fine_tuning", "jobs", "ftjob-x", "events"]`.
    public var segments: [String]
    public var query: [(name: String, value: String)]

    public init(_ method: Method, _ segments: [String], query: [(name: String, value: String)] = []) {
        self.method = method
        self.segments = segments
        self.query = query
    }

    public var path: String { "/" + segments.joined(separator: "/") }

    public var description: String { "\(method.rawValue) \(path)" }

    /// The full URL below `baseURL` (`https://api.openai.com/v1`, with or without a
    /// trailing slash, possibly with its own query such as Azure's `api-version`).
    /// Segments and query values are percent-encoded, so an id cannot change the path.
    /// - Parameter surfaceQuery: what every request of the account carries (Azure's
    ///   `api-version`, `APISurface.query`), put before the request's own query.
    public func url(baseURL: String, surfaceQuery: [(name: String, value: String)] = []) -> String {
        var base = baseURL
        var baseQuery: String?
        if let mark = base.firstIndex(of: "?") {
            baseQuery = String(base[base.index(after: mark)...])
            base = String(base[..<mark])
        }
        while base.hasSuffix("/") { base.removeLast() }
        let encodedPath = segments.map(Self.percentEncoded).joined(separator: "/")
        var queryItems = (surfaceQuery + query).map {
            Self.percentEncoded($0.name) + "=" + Self.percentEncoded($0.value)
        }
        if let baseQuery, !baseQuery.isEmpty { queryItems.insert(baseQuery, at: 0) }
        let queryText = queryItems.isEmpty ? "" : "?" + queryItems.joined(separator: "&")
        return base + "/" + encodedPath + queryText
    }

    public static func == (lhs: APIEndpoint, rhs: APIEndpoint) -> Bool {
        lhs.method == rhs.method && lhs.segments == rhs.segments
            && lhs.query.map(\.name) == rhs.query.map(\.name)
            && lhs.query.map(\.value) == rhs.query.map(\.value)
    }

    /// RFC 3986 unreserved characters stay; everything else is encoded.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension APIEndpoint {
    static func page(_ segments: [String], after: String?, limit: Int) -> APIEndpoint {
        var query: [(name: String, value: String)] = []
        if let after { query.append((name: "after", value: after)) }
        query.append((name: "limit", value: String(limit)))
        return APIEndpoint(.get, segments, query: query)
    }
}
