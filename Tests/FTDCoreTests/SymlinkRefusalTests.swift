import FTDStore
import Foundation
import Logging
import Testing

/// Files ftd creates or changes beside its database are never reached through a symbolic
/// link planted there (issue 19, item 7): the link's target keeps its mode and contents.
@Suite("Symbolic links beside the database")
struct SymlinkRefusalTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "links-\(UUID().uuidString)")
    var database: String { directory.appendingPathComponent("ftd.sqlite3").path }
    var victim: String { directory.appendingPathComponent("victim.txt").path }

    func plantVictim() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
        chmod(victim, 0o644)
    }

    func victimIsUntouched() throws {
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        let mode = try FileManager.default.attributesOfItem(atPath: victim)[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test func aLinkAtTheLockFileIsRefusedAndItsTargetKept() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try plantVictim()
        let lock = DaemonLock.path(forDatabase: database)
        #expect(symlink(victim, lock) == 0)
        #expect(throws: DaemonLockError.symbolicLink(path: lock)) {
            try DaemonLock.acquire(database: database, groupReadable: false)
        }
        try victimIsUntouched()
        #expect("\(DaemonLockError.symbolicLink(path: lock))".contains("rm \(lock)"))
        // ftd status does not follow it either.
        #expect(DaemonLock.probe(database: database) != .running(pid: getpid()))
    }

    @Test func aLinkLeftAtTheWriteAheadLogOfANewDatabaseIsRemovedNotFollowed() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try plantVictim()
        #expect(symlink(victim, database + "-wal") == 0)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        _ = try AppDatabase.open(path: database, groupReadable: false, logger: logger)
        try victimIsUntouched()
    }

    @Test func aLinkAtTheTemporaryFileOfANewDatabaseIsNotFollowed() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try plantVictim()
        #expect(symlink(victim, database + ".creating-\(getpid())") == 0)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        _ = try AppDatabase.open(path: database, groupReadable: false, logger: logger)
        try victimIsUntouched()
        let mode = try FileManager.default.attributesOfItem(atPath: database)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
