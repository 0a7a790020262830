import FTDModel
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// ftd's log lines on stderr, one line per record.
///
/// Under systemd, when stderr is the journal (`$JOURNAL_STREAM` names stderr's device and
/// inode), each line starts with its syslog priority, `<5>`, and carries no timestamp: the
/// journal adds its own and files the priority, so `journalctl -p warning` works.
/// Otherwise lines are for people: local time, level, message, metadata.
public struct LineLogHandler: LogHandler {
    public enum Style: Sendable, Equatable {
        case journal
        case readable
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let style: Style
    let write: @Sendable (String) -> Void

    public init(
        label: String, level: Logger.Level, style: Style,
        write: @escaping @Sendable (String) -> Void = LineLogHandler.writeToStandardError
    ) {
        self.label = label
        self.logLevel = level
        self.style = style
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        write(
            Self.format(
                level: event.level, message: "\(event.message)", metadata: merged, label: label, style: style,
                time: Date()))
    }

    /// `<N>` of syslog(3): debug 7, info 6, notice 5, warning 4, error 3, critical 2.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// One record as one line, newline included.
    public static func format(
        level: Logger.Level, message: String, metadata: Logger.Metadata, label: String, style: Style,
        time: Date, timeZone: TimeZone = .current
    ) -> String {
        var line: String
        switch style {
        case .journal:
            line = "<\(priority(level))>"
        case .readable:
            line = "\(timestamp(time, timeZone)) \(level.rawValue) "
        }
        if label != "ftd" { line += "[\(label)] " }
        line += loggable(message)
        for key in metadata.keys.sorted() {
            line += " \(key)=\(quoted(loggable("\(metadata[key]!)")))"
        }
        return line + "\n"
    }

    /// Whether stderr is the journal: `$JOURNAL_STREAM` is "device:inode" of the stream
    /// systemd connected, and it must still be our stderr (not inherited by a child whose
    /// stderr was redirected).
    public static func stderrIsJournal(environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else {
            return false
        }
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    @Sendable public static func writeToStandardError(_ line: String) {
        // One write(2) per line: lines from concurrent tasks never interleave.
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// The most of a message or a metadata value one line keeps: a record quoting an API
    /// answer (an error body, an event page) must not fill the journal.
    public static let maxTextLength = 2_000

    /// One line, whatever came from the API or a hook: API keys masked, control characters and
    /// bidirectional controls shown as escapes (`\n`, `\x1b`), cut to `maxTextLength`
    /// characters. The cut comes after escaping: it may shorten an escape's text, never
    /// let a control character through.
    static func loggable(_ text: String) -> String {
        let visible = TerminalSanitizer.visible(SecretRedactor.redact(text))
        guard visible.utf8.count > maxTextLength, visible.count > maxTextLength else { return visible }
        let rest = visible.count - maxTextLength
        return String(visible.prefix(maxTextLength)) + "… (\(rest) more characters)"
    }

    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else {
            return value
        }
        return "\""
            + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }

    static func timestamp(_ time: Date, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second, .nanosecond], from: time)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return
            "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2)) \(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad((c.nanosecond ?? 0) / 1_000_000, 3))"
    }
}
