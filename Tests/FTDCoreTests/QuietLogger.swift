import Logging

extension Logger {
    /// Tests assert on results, not on log lines: keep their output readable.
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
}
