import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Plays systemd's side of sd_notify: a datagram socket whose path goes into
/// `NOTIFY_SOCKET`, recording every message with the time it arrived.
final class NotifyListener: @unchecked Sendable {
    struct Message: Sendable {
        var at: ContinuousClock.Instant
        var text: String
        var lines: [String] { text.split(separator: "\n").map(String.init) }
    }

    /// The value for `NOTIFY_SOCKET`: a path, or `@name` for an abstract socket.
    let address: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [Message] = []
    private var stopped = false
    private var thread: Thread?

    init(directory: URL, abstract: Bool = false) throws {
        let name =
            abstract ? "ftd-test-\(UUID().uuidString)" : directory.appendingPathComponent("notify.sock").path
        address = abstract ? "@" + name : name
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes.insert(0, at: 0) }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(length)) }
        }
        guard bound == 0 else { throw TimedOut(description: "cannot bind the notify socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !lock.withLock({ stopped }) {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { continue }
                let message = Message(at: .now, text: String(decoding: buffer.prefix(count), as: UTF8.self))
                lock.withLock { received.append(message) }
            }
            close(descriptor)
        }
        self.thread = thread
        thread.start()
    }

    var messages: [Message] { lock.withLock { received } }

    /// Every line received so far, in order.
    var lines: [String] { messages.flatMap(\.lines) }

    /// Ends the receiving thread (within its 0.1 s receive timeout), which then closes
    /// the socket; never blocks the caller.
    func stop() {
        lock.withLock { stopped = true }
    }
}
