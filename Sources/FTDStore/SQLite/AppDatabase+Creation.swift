import Foundation
import GRDB

extension AppDatabase {
    /// Creates a new database at `path` that appears all at once, already migrated.
    ///
    /// `ftd history` may run while the daemon starts for the first time; if the file
    /// appeared empty and the schema a moment later, that reader would see an SQLite file
    /// without ftd's tables and call it foreign. So the schema is built in a temporary
    /// file beside `path`, which is then linked into place (`link` fails rather than
    /// replace a database another process created meanwhile).
    static func createMigrated(at path: String, modes: DatabaseFileModes) throws {
        let temporary = path + ".creating-\(getpid())"
        // A leftover of an earlier process with this pid, or anything planted there (a
        // symbolic link), goes: the file must be created here, new.
        unlink(temporary)
        defer { unlink(temporary) }
        try modes.createNewFile(temporary)
        do {
            let queue = try DatabaseQueue(path: temporary)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try migrator.migrate(queue)
            try queue.close()
        } catch let error as DatabaseError {
            throw StoreError.translating(error, path: path)
                ?? StoreError.cannotOpen(path: path, reason: "\(error)")
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        if link(temporary, path) != 0, errno != EEXIST {
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
