/// A fault the simulator injects into the next `count` API requests whose path (with its
/// query) contains `pathContains`, or into every API request when it is `nil`.
public struct FaultRule: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// An error answer with this HTTP status (the OpenAI error envelope; 429 uses the
        /// rate-limit one) and the optional `retry-after`, `retry-after-ms`, `x-should-retry` headers.
        case status(Int, retryAfter: String? = nil, retryAfterMs: String? = nil, shouldRetry: Bool? = nil)
        /// The real answer, sent this many wall-clock seconds late (past a client's timeout).
        case delay(Double)
        /// 200 with a body that is not JSON.
        case malformedBody
        /// 200 declaring the full Content-Length, sending half of the JSON, then closing.
        case truncatedBody
        /// 200 with valid JSON of the wrong shape.
        case wrongShape
    }

    public var kind: Kind
    public var pathContains: String?
    /// How many matching requests it hits before it is spent (`Int.max`: never spent).
    public var count: Int

    public init(kind: Kind, pathContains: String? = nil, count: Int = 1) {
        self.kind = kind
        self.pathContains = pathContains
        self.count = count
    }

    func matches(_ pathAndQuery: String) -> Bool {
        guard let pathContains, !pathContains.isEmpty else { return true }
        return pathAndQuery.contains(pathContains)
    }
}

/// A fault specification that could not be read; the message says what is expected.
public struct FaultSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public let spec: String
    public let reason: String

    public var description: String {
        "fault '\(spec)': \(reason). Expected e.g. '429:retry-after=2:count=3:path=/events', '500:count=2', 'delay=40:count=1', 'malformed', 'truncated' or 'wrong-shape'"
    }
}
