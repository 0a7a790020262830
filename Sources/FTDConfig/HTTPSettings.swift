/// `[http]` (SPEC section 9): where the dashboard, its JSON API, `/metrics` and `/healthz`
/// listen. Absent: no server.
public struct HTTPSettings: Sendable, Equatable {
    /// A name or address: `127.0.0.1`, `::1`, `localhost`, `0.0.0.0`, …
    public var host: String
    /// 0 picks a free port.
    public var port: Int
    /// The bearer token's file; required when `host` is not a loopback address.
    public var tokenFile: String?

    public init(host: String, port: Int, tokenFile: String? = nil) {
        self.host = host
        self.port = port
        self.tokenFile = tokenFile
    }

    /// Whether only this machine can reach the server: then `Host` is checked against
    /// DNS rebinding, and a token is optional.
    public var isLoopback: Bool {
        let name = host.lowercased()
        return name == "localhost" || name == "::1" || name.hasPrefix("127.")
    }

    /// `HOST:PORT`, with an IPv6 address in brackets, as a URL writes it.
    public func authority(port: Int? = nil) -> String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "\(shown):\(port ?? self.port)"
    }

    /// Reads `listen` (`HOST:PORT`, `[IPv6]:PORT`).
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":")
            else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil }  // IPv6 needs brackets
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }),
            portText.allSatisfy(\.isASCII), let port = Int(portText), (0...65535).contains(port)
        else { return nil }
        return (String(host), port)
    }
}
