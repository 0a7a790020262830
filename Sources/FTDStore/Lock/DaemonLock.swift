import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One writer per database: `ftd run` (daemon or `--once`) holds an open-file-description
/// lock (`F_OFD_SETLK`) on `<database>.lock` for as long as it runs. The kernel drops it
/// when the process dies, however it dies, so a stale lock cannot outlive a crash. Unlike a
/// classic POSIX lock it belongs to the open file, not the process, so it also conflicts
/// within one process, and closing some other descriptor of the file cannot drop it.
/// Whether it is held comes from the kernel (`F_OFD_GETLK`); the file only carries the
/// holder's pid for messages.
public final class DaemonLock: Sendable {
    // Linux's values; Glibc's module map leaves them out (they need _GNU_SOURCE).
    static let getLock: Int32 = 36  // F_OFD_GETLK
    static let setLock: Int32 = 37  // F_OFD_SETLK

    public let path: String
    private let descriptor: Int32

    public static func path(forDatabase database: String) -> String { database + ".lock" }

    /// Takes the lock (creating the database's directory when missing), or throws
    /// `DaemonLockError.held` naming the pid that has it.
    public static func acquire(database: String, groupReadable: Bool) throws -> DaemonLock {
        let path = path(forDatabase: database)
        let mode: mode_t = groupReadable ? 0o640 : 0o600
        try DatabaseFileModes(groupReadable: groupReadable).createParentDirectories(of: database)
        // Never through a symbolic link: ftd chmods and truncates what it opens here, and
        // a link planted at this path would make it do that to the link's target.
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw DaemonLockError.symbolicLink(path: path) }
            throw DaemonLockError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        if fcntl(descriptor, Self.setLock, &lock) != 0 {
            let failure = errno
            let holder = Self.holder(descriptor: descriptor)
            close(descriptor)
            if failure == EAGAIN || failure == EACCES {
                throw DaemonLockError.held(database: database, pid: holder)
            }
            throw DaemonLockError.cannotOpen(path: path, reason: String(cString: strerror(failure)))
        }
        _ = fchmod(descriptor, mode)
        let note = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = note.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return DaemonLock(path: path, descriptor: descriptor)
    }

    /// Who holds the lock of `database`: `.running(pid)`, `.stopped`, or `.unknown`
    /// when the lock file cannot be read (another user's daemon, say).
    public static func probe(database: String) -> DaemonLockState {
        let path = path(forDatabase: database)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            return errno == ENOENT ? .stopped : .unknown(reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        if let pid = holder(descriptor: descriptor) { return .running(pid: pid) }
        return .stopped
    }

    /// Whether another open file holds the lock, and the pid it wrote (0 when unreadable).
    private static func holder(descriptor: Int32) -> Int32? {
        var query = flock()
        query.l_type = Int16(F_WRLCK)
        query.l_whence = Int16(SEEK_SET)
        guard fcntl(descriptor, Self.getLock, &query) == 0, query.l_type != Int16(F_UNLCK) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return 0 }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self)
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Releases the lock (also released when the process exits).
    deinit { close(descriptor) }
}

public enum DaemonLockState: Sendable, Equatable {
    case running(pid: Int32)
    case stopped
    case unknown(reason: String)
}

public enum DaemonLockError: Error, Sendable, Equatable, CustomStringConvertible {
    case held(database: String, pid: Int32?)
    case cannotOpen(path: String, reason: String)
    case symbolicLink(path: String)

    /// `ftd (pid 7)`, or `ftd` when the holder's pid is unknown.
    public static func holder(pid: Int32?) -> String {
        pid.flatMap { $0 > 0 ? "ftd (pid \($0))" : nil } ?? "ftd"
    }

    public var description: String {
        switch self {
        case .held(let database, let pid):
            let who = Self.holder(pid: pid)
            return
                "another \(who) is already running on \(database): stop it first (systemctl stop ftd), or give this one its own storage.database"
        case .symbolicLink(let path):
            return
                "the lock file \(path) is a symbolic link, which ftd never follows (it would change the link's target): remove it (rm \(path)) and start ftd again"
        case .cannotOpen(let path, let reason):
            return
                "cannot open the lock file \(path): \(reason); ftd writes it beside the database: make that directory writable for the user ftd runs as, on a file system mounted read-write"
        }
    }
}
