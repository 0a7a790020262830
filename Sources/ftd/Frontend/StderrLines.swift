import FTDDaemon
import FTDModel

/// Where the log's lines go: stderr, unless a live view on the terminal takes them for a
/// while (`ftd watch` writes them above its redrawn block, which they would tear).
enum StderrLines {
    private static let taker = Locked<(@Sendable (String) -> Void)?>(nil)

    /// One line, newline included.
    @Sendable static func write(_ line: String) {
        if let take = taker.withLock({ $0 }) {
            take(line)
        } else {
            LineLogHandler.writeToStandardError(line)
        }
    }

    /// Lines go to `take` until `body` ends.
    static func divert<T>(to take: @escaping @Sendable (String) -> Void, _ body: () async throws -> T)
        async rethrows -> T
    {
        taker.withLock { $0 = take }
        defer { taker.withLock { $0 = nil } }
        return try await body()
    }
}
