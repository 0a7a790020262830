import FTDStore
import Foundation
import Testing

/// One ftd per database.
@Suite struct DaemonLockTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)")
    var database: String { directory.appendingPathComponent("state/ftd.sqlite3").path }

    @Test func aSecondHolderIsRefusedWithThePIDAndTheLockGoesWithItsHolder() async throws {
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
        // Closing the descriptor drops the lock only once no other process shares its open
        // file: a child that another test forked just then holds a copy until its exec
        // (O_CLOEXEC), which on a loaded machine can take a while. Wait for that.
        #expect(try await Self.eventually { DaemonLock.probe(database: database) == .stopped })
        let second = try DaemonLock.acquire(database: database, groupReadable: true)
        let mode = try FileManager.default.attributesOfItem(atPath: second.path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    /// Polls `condition` until it holds (true) or 30 s passed (false).
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    @Test func theRefusalSaysWhatToDo() {
        let message = "\(DaemonLockError.held(database: "/var/lib/ftd/ftd.sqlite3", pid: 7))"
        #expect(message.contains("another ftd (pid 7) is already running on /var/lib/ftd/ftd.sqlite3"))
        #expect(message.contains("systemctl stop ftd"))
    }
}
