/// What went wrong with the local database, worded for the person who has to fix it.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `ftd history` found no file: the daemon never ran with this path.
    case databaseMissing(path: String)
    /// The file exists but is not SQLite, or is SQLite without ftd's tables.
    case notAnFTDDatabase(path: String, reason: String)
    /// The database could not be created, opened or migrated.
    case cannotOpen(path: String, reason: String)
    /// A file permission could not be set as configured.
    case cannotSetPermissions(path: String, reason: String)
    /// No stored job matches what the user typed.
    case unknownJob(input: String)
    /// Written by an older ftd whose daemon has not yet upgraded it (a reader never migrates).
    case olderSchema(path: String, missing: String)
    /// Several stored jobs start with what the user typed.
    /// `candidates`: at most `ambiguousShown + 1` (the query's limit), so that more can be told.
    case ambiguousJob(input: String, candidates: [String])
    /// The file system holding the database has no room left: the write was rolled back.
    case full(path: String, detail: String)
    /// SQLite may read the database but not write it (file mode, read-only mount).
    case readOnly(path: String, detail: String)
    /// Another process held the write lock for longer than the busy timeout.
    case locked(path: String, detail: String)
    /// The file is SQLite, but its content is damaged.
    case corrupt(path: String, detail: String)
    /// The file at the database's path is no longer the one ftd opened (deleted, or
    /// another file moved there): SQLite would go on writing into the unlinked file.
    case replaced(path: String)
    /// The operating system failed a read or a write of the database.
    case ioFailure(path: String, detail: String)
    /// The PostgreSQL server could not be reached, or dropped the connection (`path` is
    /// the store's URL without password): the daemon waits it out like a locked file.
    case unreachable(path: String, detail: String)
    /// The PostgreSQL server refused the login (password, role, `pg_hba.conf`).
    case refused(path: String, detail: String)
    /// This daemon no longer holds the shared store's leader lease (SPEC section 11): what
    /// it was about to write belongs to the daemon that took over.
    case notLeader(path: String)

    /// How many candidates an ambiguous job's message lists.
    public static let ambiguousShown = 10

    public var description: String {
        switch self {
        case .databaseMissing(let path):
            return
                "no database at \(path): run `ftd run` first, or check storage.database / FTD_DATABASE"
        case .notAnFTDDatabase(let path, let reason):
            return
                "\(path) is not an ftd database (\(reason)): check storage.database / FTD_DATABASE"
        case .cannotOpen(let path, let reason):
            return
                "cannot open the database \(path): \(reason); check that its directory exists and is writable by this user"
        case .cannotSetPermissions(let path, let reason):
            return "cannot set the permissions of \(path): \(reason); check who owns the file"
        case .olderSchema(let path, let missing):
            return
                "the database \(path) was written by an older ftd (it lacks \(missing)): restart the daemon (systemctl restart ftd) or run `ftd run --once` once to upgrade it"
        case .unknownJob(let input):
            return "no stored job matches \"\(input)\": run `ftd history` to list the known jobs"
        case .ambiguousJob(let input, let candidates):
            // `account/id` candidates: typing more of an id that two accounts share cannot tell them apart.
            let accounts = candidates.contains { $0.contains("/") }
            // The query stops at 11: one more than is shown says that there are more.
            let more = candidates.count > Self.ambiguousShown
            return
                "\"\(input)\" matches \(more ? "more than \(Self.ambiguousShown)" : "\(candidates.count)") jobs: "
                + candidates.prefix(Self.ambiguousShown).joined(separator: ", ") + (more ? ", …" : "")
                + (accounts ? "; type more of the id, or name one as ACCOUNT/ID" : "; type more of the id")
        case .full(let path, let detail):
            return "the database \(path) is full (\(detail)): free space on its file system"
        case .readOnly(let path, let detail):
            return
                "the database \(path) is read-only (\(detail)): make the file, its -wal and -shm and its directory writable for the user ftd runs as, on a file system mounted read-write"
        case .locked(let path, let detail):
            return
                "the database \(path) is locked by another process (\(detail)): ftd waited \(Self.busyTimeoutSeconds) s; end the other program's write transaction (an open sqlite3 shell?)"
        case .corrupt(let path, let detail):
            return
                "the database \(path) is damaged (\(detail)): stop ftd and move the file and its -wal and -shm aside (or restore a backup); ftd then starts a new database with a fresh baseline, and `sqlite3 OLD .recover` salvages what the old one held"
        case .replaced(let path):
            return
                "the database \(path) was deleted or replaced while ftd ran; restart ftd to start a new one"
        case .ioFailure(let path, let detail) where path.hasPrefix("postgres"):
            return "the PostgreSQL store \(path) failed a query (\(detail)): see the server's log"
        case .ioFailure(let path, let detail):
            return
                "reading or writing the database \(path) failed (\(detail)): check the disk and its file system (dmesg)"
        case .unreachable(let path, let detail):
            return
                "cannot reach the PostgreSQL store \(path) (\(detail)): check that the server runs and that this machine may connect to it"
        case .refused(let path, let detail):
            return
                "the PostgreSQL store \(path) refused ftd (\(detail)): check storage.password_file, the pg_password credential or PGPASSWORD, and the server's pg_hba.conf"
        case .notLeader(let path):
            return
                "this daemon lost the leader lease of \(path): another daemon polls now, and this one waits as a standby"
        }
    }

    /// How long a write waits for another process's lock before `locked`.
    public static let busyTimeoutSeconds = 5

    /// A storage fault the daemon waits out: it logs it, records nothing of the cycle and
    /// tries again next cycle. The other faults (`corrupt`, `replaced`) stop it, since
    /// going on could only lose more.
    public var isTransient: Bool {
        switch self {
        case .full, .readOnly, .locked, .ioFailure, .unreachable, .notLeader: return true
        default: return false
        }
    }

    /// A fault of the database file or its disk, as opposed to a user's mistake.
    public var isStorageFault: Bool {
        switch self {
        case .full, .readOnly, .locked, .corrupt, .replaced, .ioFailure, .unreachable, .notLeader: return true
        default: return false
        }
    }
}
