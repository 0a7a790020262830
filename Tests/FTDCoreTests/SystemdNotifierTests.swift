import FTDDaemon
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// sd_notify without libsystemd.
@Suite struct SystemdNotifierTests {
    @Test func noSocketNoNotifier() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "vsock:2:1234"]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/path"]) == nil)
    }

    @Test func theWatchdogIntervalIsHalfTheTimeoutAndOnlyForItsPID() {
        let pid = getpid()
        let half = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000"])
        #expect(half?.watchdogInterval == .seconds(15))
        let ours = SystemdNotifier(
            environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "\(pid)"])
        #expect(ours?.watchdogInterval == .milliseconds(500))
        let other = SystemdNotifier(
            environment: [
                "NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "\(pid + 1)",
            ])
        #expect(other?.watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x"])?.watchdogInterval == nil)
        #expect(
            SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "0"])?.watchdogInterval
                == nil)
    }

    @Test(arguments: [false, true]) func aMessageArrivesAsOneDatagram(abstract: Bool) throws {
        let name =
            abstract
            ? "@ftd-notifier-test-\(UUID().uuidString)"
            : FileManager.default.temporaryDirectory.appendingPathComponent("n-\(UUID().uuidString).sock")
                .path
        let receiver = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer {
            close(receiver)
            if !abstract { unlink(name) }
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(receiver, $0, socklen_t(length)) }
        }
        #expect(bound == 0)

        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": name]))
        #expect(notifier.send([NotifyMessage.ready, NotifyMessage.status("2 active jobs\nsecond line")]))
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes {
            recv(receiver, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
        }
        #expect(
            String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
                == "READY=1\nSTATUS=2 active jobs second line")
    }

    @Test func messagesAreSpelledAsSystemdReadsThem() {
        #expect(NotifyMessage.extendTimeout(by: .seconds(90)) == "EXTEND_TIMEOUT_USEC=90000000")
        let reloading = NotifyMessage.reloading(monotonicMicroseconds: 42)
        #expect(reloading == ["RELOADING=1", "MONOTONIC_USEC=42"])
        #expect(NotifyMessage.monotonicNow() > 0)
    }
}
