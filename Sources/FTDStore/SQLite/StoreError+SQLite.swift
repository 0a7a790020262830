import GRDB

extension StoreError {
    /// The storage fault an SQLite failure stands for, or nil when it is not one (a
    /// constraint or an SQL error is a bug in ftd, and stays the `DatabaseError` it is).
    public static func fault(from error: DatabaseError, path: String) -> StoreError? {
        let detail = error.message ?? "\(error.extendedResultCode)"
        if error.extendedResultCode == .SQLITE_READONLY_DBMOVED { return .replaced(path: path) }
        switch error.resultCode {
        case .SQLITE_FULL: return .full(path: path, detail: detail)
        case .SQLITE_READONLY, .SQLITE_PERM: return .readOnly(path: path, detail: detail)
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_PROTOCOL: return .locked(path: path, detail: detail)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(path: path, detail: detail)
        case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_NOLFS: return .ioFailure(path: path, detail: detail)
        default: return nil
        }
    }
}

extension StoreError {
    /// `fault(from:path:)`, with an I/O error named after its cause when the file system
    /// shows one: what every place that meets an SQLite failure reports.
    static func translating(_ error: DatabaseError, path: String) -> StoreError? {
        guard let fault = fault(from: error, path: path) else { return nil }
        // Only an I/O error needs the file system probed.
        guard case .ioFailure = fault else { return fault }
        return fault.refined(by: DatabaseFileSystemState.of(path: path))
    }

    /// An I/O error named after its cause when the file system shows one: mounted
    /// read-only (an ext4 remounted after an error), or out of space.
    func refined(by fileSystem: DatabaseFileSystemState?) -> StoreError {
        guard case .ioFailure(let path, let detail) = self, let fileSystem else { return self }
        if fileSystem.readOnly {
            return .readOnly(path: path, detail: "\(detail); its file system is mounted read-only")
        }
        if fileSystem.availableBytes == 0 {
            return .full(path: path, detail: "\(detail); its file system has no space left")
        }
        return self
    }
}
