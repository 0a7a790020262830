import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sd_notify protocol without libsystemd: one datagram of `KEY=value` lines to the
/// Unix socket named by `$NOTIFY_SOCKET` (a path, or an abstract name written `@name`).
///
/// Only the daemon's own process speaks: hooks never inherit `NOTIFY_SOCKET`
/// (`HookEnvironment`). Sending never blocks and never fails the daemon; a lost message is
/// logged by the caller at most.
public final class SystemdNotifier: Sendable {
    private let descriptor: Int32
    private let address: Data
    /// Whether systemd expects `WATCHDOG=1`, and how often: half of `$WATCHDOG_USEC`.
    public let watchdogInterval: Duration?

    /// Nil when `$NOTIFY_SOCKET` is unset (not run by systemd with `Type=notify`), names
    /// an unsupported address, or no socket could be made.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let name = environment["NOTIFY_SOCKET"], let address = Self.address(for: name) else {
            return nil
        }
        // Non-blocking: a full receive queue drops a message rather than stalling a thread.
        let descriptor = socket(
            AF_UNIX,
            Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        self.address = address
        self.watchdogInterval = Self.watchdogInterval(environment: environment, pid: getpid())
    }

    deinit { close(descriptor) }

    /// Sends the lines as one datagram. Returns false when the socket refused it.
    @discardableResult
    public func send(_ lines: [String]) -> Bool {
        let message = Array(lines.joined(separator: "\n").utf8)
        return address.withUnsafeBytes { raw in
            message.withUnsafeBytes { body in
                let sent = sendto(
                    descriptor, body.baseAddress, body.count, Int32(MSG_NOSIGNAL),
                    raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
                return sent == body.count
            }
        }
    }

    /// `WATCHDOG_USEC / 2`, when the watchdog is on and meant for this process
    /// (`$WATCHDOG_PID`, when set, is ours).
    static func watchdogInterval(environment: [String: String], pid: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = Int64(text), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], let ownerPID = Int32(owner), ownerPID != pid {
            return nil
        }
        return .microseconds(usec / 2)
    }

    /// A `sockaddr_un` for `name`, exactly as long as it needs to be: an abstract name
    /// (`@…`) has a leading NUL and no terminating one. Nil for what is not a Unix socket
    /// (systemd 254's `vsock:` addresses) or too long a path.
    static func address(for name: String) -> Data? {
        var bytes = Array(name.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@") else {
            return nil
        }
        let abstract = first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        var address = sockaddr_un()
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return nil }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            path.copyBytes(from: bytes)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        let length = pathOffset + bytes.count + (abstract ? 0 : 1)
        return withUnsafeBytes(of: &address) { Data($0.prefix(length)) }
    }
}

/// The messages ftd sends (sd_notify(3) names them).
public enum NotifyMessage {
    public static let ready = "READY=1"
    public static let stopping = "STOPPING=1"
    public static let watchdog = "WATCHDOG=1"

    public static func status(_ text: String) -> String {
        "STATUS=" + text.replacingOccurrences(of: "\n", with: " ")
    }

    /// Since systemd 253 a reload is announced with the monotonic time it began.
    public static func reloading(monotonicMicroseconds: UInt64) -> [String] {
        ["RELOADING=1", "MONOTONIC_USEC=\(monotonicMicroseconds)"]
    }

    public static func extendTimeout(by duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "EXTEND_TIMEOUT_USEC=\(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)"
    }

    /// `CLOCK_MONOTONIC` in microseconds, as systemd reads it.
    public static func monotonicNow() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000 + UInt64(time.tv_nsec) / 1000
    }
}
