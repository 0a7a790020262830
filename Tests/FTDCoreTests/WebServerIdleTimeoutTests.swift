import FTDModel
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

@testable import FTDWeb

#if canImport(Glibc)
    import Glibc
#endif

/// A connection that stops sending is closed (slowloris): `/webhooks/` faces the internet.
struct WebServerIdleTimeoutTests {
    /// Connects to `port`, sends `bytes`, and waits up to `seconds` for the server to close
    /// the connection. True when it did.
    static func closedByServer(port: Int, sending bytes: String, within seconds: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        _ = Array(bytes.utf8).withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 512)
        // 0: the server closed it. -1: still open when the wait ran out.
        return recv(socket, &buffer, buffer.count, 0) == 0
    }

    @Test func aHalfSentRequestHeadIsClosedOnceIdle() async throws {
        var server = WebServerTests.server(try WebServerTests.store())
        server.idleTimeout = .milliseconds(500)
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let application = server.application { port in
            sink.yield(port)
            sink.finish()
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [application], gracefulShutdownSignals: [],
                logger: Logger(label: "idle", factory: { _ in SwiftLogNoOpLogHandler() })))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let closed = await Task.detached {
            Self.closedByServer(
                port: port, sending: "POST /webhooks/default HTTP/1.1\r\nHost: 127.0.0.1\r\n", within: 10)
        }.value
        await group.triggerGracefulShutdown()
        _ = await task.result
        #expect(closed)
    }
}
