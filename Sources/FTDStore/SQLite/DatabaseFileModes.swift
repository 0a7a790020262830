import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The permissions SPEC section 4 fixes for the database: 0600 (directories 0700), or
/// 0640 (0750) when `storage.group_readable` lets the daemon's group run `ftd history`.
struct DatabaseFileModes: Sendable, Equatable {
    var file: mode_t
    var directory: mode_t

    init(groupReadable: Bool) {
        file = groupReadable ? 0o640 : 0o600
        directory = groupReadable ? 0o750 : 0o700
    }

    /// Creates the missing directories above `path`. Existing ones are left alone: they
    /// may belong to systemd's `StateDirectory=` or to the user.
    func createParentDirectories(of path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) else { return }
        try createParentDirectories(of: parent)
        if mkdir(parent, directory) != 0 && errno != EEXIST {
            throw StoreError.cannotOpen(path: path, reason: "cannot create \(parent): \(errnoText())")
        }
        // mkdir honours the umask; the configured mode must hold regardless.
        try apply(directory, to: parent)
    }

    /// Creates the database file with its mode before SQLite does, so that it never
    /// exists with wider permissions, even for an instant. It must not exist yet, as
    /// anything: a symbolic link planted at the path is refused, never followed.
    func createNewFile(_ path: String) throws {
        let fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, file)
        guard fd >= 0 else {
            throw StoreError.cannotOpen(path: path, reason: errnoText())
        }
        close(fd)
    }

    /// Applies the file mode to the database and its `-wal`/`-shm` companions that exist.
    func applyToDatabaseFiles(_ path: String) throws {
        for candidate in [path] + OpenedDatabaseFiles.companionSuffixes.map({ path + $0 })
        where FileManager.default.fileExists(atPath: candidate) {
            try applyWithoutFollowing(file, to: candidate)
        }
    }

    /// `chmod`, refusing a symbolic link: one planted as `ftd.sqlite3-wal` must not make
    /// ftd change the mode of its target. Checked with `lstat`, not by opening the file:
    /// closing any descriptor of a file drops every POSIX lock the process holds on it,
    /// SQLite's included, and the database is open here. (The directory is the daemon's
    /// own, 0750: only its user could swap a link in between.)
    private func applyWithoutFollowing(_ mode: mode_t, to path: String) throws {
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            throw StoreError.cannotSetPermissions(
                path: path, reason: "it is a symbolic link, which ftd never follows: remove it")
        }
        try apply(mode, to: path)
    }

    private func errnoText() -> String {
        String(cString: strerror(errno))
    }

    private func apply(_ mode: mode_t, to path: String) throws {
        if chmod(path, mode) != 0 {
            throw StoreError.cannotSetPermissions(path: path, reason: errnoText())
        }
    }
}
