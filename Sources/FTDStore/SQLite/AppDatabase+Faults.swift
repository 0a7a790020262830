import GRDB

/// Every transaction of the daemon goes through these two, so that a failing disk or file
/// surfaces as a `StoreError` naming the database and what to do, whichever method met it.
extension AppDatabase {
    /// One write transaction, refused before it starts when the file at the database's
    /// path is no longer the one opened: its writes would vanish with the unlinked file.
    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        try checkFileInPlace()
        return try translatingFaults { try writer.write(updates) }
    }

    func read<T>(_ value: (Database) throws -> T) throws -> T {
        try translatingFaults { try writer.read(value) }
    }

    /// Throws `StoreError.replaced` when the database file was deleted or replaced since
    /// `open`, and removes its `-wal` and `-shm` so that they cannot pair with the next
    /// database at that path.
    public func checkFileInPlace() throws {
        guard let openedFiles, !openedFiles.isInPlace else { return }
        openedFiles.removeCompanions()
        throw StoreError.replaced(path: openedFiles.path)
    }

    private func translatingFaults<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            guard StoreError.fault(from: error, path: writer.path) != nil else { throw error }
            // A file deleted under the daemon can fail in many ways (a new connection cannot
            // open it, say): the cause is the one to report.
            try checkFileInPlace()
            throw StoreError.translating(error, path: writer.path) ?? error
        }
    }
}
