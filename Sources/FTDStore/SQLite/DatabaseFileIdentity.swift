import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which file a path names: device and inode. SQLite keeps writing into a database file
/// that was deleted or replaced under it (in WAL mode it never checks), so the daemon
/// compares the path's identity with the one it opened before each write.
struct DatabaseFileIdentity: Sendable, Equatable {
    var device: UInt64
    var inode: UInt64

    /// The identity of the file at `path` now; nil when there is none.
    static func of(path: String) -> DatabaseFileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return DatabaseFileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}

/// The database file and its `-wal` and `-shm` as the daemon opened them.
struct OpenedDatabaseFiles: Sendable {
    static let companionSuffixes = ["-wal", "-shm"]

    var path: String
    var database: DatabaseFileIdentity
    var companions: [String: DatabaseFileIdentity]

    /// Nil when there is no file at `path`.
    static func of(path: String) -> OpenedDatabaseFiles? {
        guard let database = DatabaseFileIdentity.of(path: path) else { return nil }
        var companions: [String: DatabaseFileIdentity] = [:]
        for suffix in companionSuffixes {
            companions[suffix] = DatabaseFileIdentity.of(path: path + suffix)
        }
        return OpenedDatabaseFiles(path: path, database: database, companions: companions)
    }

    /// Whether the path still names the file that was opened. The inode cannot be reused
    /// meanwhile: SQLite holds the opened file open.
    var isInPlace: Bool { DatabaseFileIdentity.of(path: path) == database }

    /// Once the database was deleted or replaced: its `-wal` and `-shm`, still at their
    /// paths, would pair with the next file there, and SQLite would replay the old pages
    /// into it. Removes those that are still the ones opened (not a backup's, restored
    /// with its database).
    func removeCompanions() {
        for (suffix, identity) in companions
        where DatabaseFileIdentity.of(path: path + suffix) == identity {
            unlink(path + suffix)
        }
    }
}

/// What the file system holding the database says about itself, to name the cause of an
/// I/O error SQLite reports only as "disk I/O error" (a write refused with EROFS, say).
struct DatabaseFileSystemState: Sendable, Equatable {
    var readOnly: Bool
    var availableBytes: UInt64

    static func of(path: String) -> DatabaseFileSystemState? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return DatabaseFileSystemState(
            readOnly: info.f_flag & UInt(ST_RDONLY) != 0 || refusesWriting(path),
            availableBytes: UInt64(info.f_bavail) * UInt64(info.f_frsize))
    }

    /// An ext4 that met an error turns read-only without its mount flags saying so
    /// (`emergency_ro`): creating a file beside the database tells. Never the database
    /// file itself: closing any descriptor of it would drop SQLite's POSIX locks.
    private static func refusesWriting(_ path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        var template = Array("\(directory.isEmpty ? "." : directory)/.ftd-write-probe-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if descriptor >= 0 {
            close(descriptor)
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            return false
        }
        return errno == EROFS
    }
}
