import FTDCore
import Foundation
import Testing

/// One ftd per database.
@Suite struct DaemonLockTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)")
    var database: String { directory.appendingPathComponent("state/ftd.sqlite3").path }

    @Test func aSecondHolderIsRefusedWithThePIDAndTheLockGoesWithItsHolder() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(DaemonLock.probe(database: database) == .stopped)
        var first: DaemonLock? = try DaemonLock.acquire(database: database, groupReadable: false)
        #expect(DaemonLock.probe(database: database) == .running(pid: getpid()))
        #expect(throws: DaemonLockError.held(database: database, pid: getpid())) {
            try DaemonLock.acquire(database: database, groupReadable: false)
        }
        let attributes = try FileManager.default.attributesOfItem(
            atPath: DaemonLock.path(forDatabase: database))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        withExtendedLifetime(first) {}
        first = nil
        #expect(DaemonLock.probe(database: database) == .stopped)
        let second = try DaemonLock.acquire(database: database, groupReadable: true)
        let mode = try FileManager.default.attributesOfItem(atPath: second.path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    @Test func theRefusalSaysWhatToDo() {
        let message = "\(DaemonLockError.held(database: "/var/lib/ftd/ftd.sqlite3", pid: 7))"
        #expect(message.contains("another ftd (pid 7) is already running on /var/lib/ftd/ftd.sqlite3"))
        #expect(message.contains("systemctl stop ftd"))
    }
}
