import GRDB
import GRDBSQLite

/// Executes a cached statement once per row with its values bound directly, the way
/// GRDB binds them (`StatementBinding`), without building a `StatementArguments` of
/// boxed values per row: for the 50,000 events and steps of one cycle that array, its
/// validation and GRDB's temporary bindings took more time than SQLite's insert itself.
struct RowInsert {
    /// SQLite copies the value before the bind returns (as GRDB binds strings).
    private let SQLITE_TRANSIENT = unsafeBitCast(
        OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private let statement: Statement
    private let handle: SQLiteStatement

    /// Prepares (or takes from the cache) `sql`; its parameters are bound by position.
    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        // Marks the statement's arguments as set, so that `execute()` runs it with the
        // values bound below instead of validating arguments it was not given.
        statement.setUncheckedArguments(StatementArguments())
    }

    func bind(_ value: some StatementBinding, at index: CInt) {
        precondition(value.bind(to: handle, at: index) == SQLITE_OK, "cannot bind parameter \(index)")
    }

    func bind(_ value: (some StatementBinding)?, at index: CInt) {
        if let value {
            bind(value, at: index)
        } else {
            precondition(sqlite3_bind_null(handle, index) == SQLITE_OK, "cannot bind parameter \(index)")
        }
    }

    /// Binds UTF-8 text (`JSONValue.encodedUTF8`), NULL for nil. The encoder escapes every
    /// control character, so the text holds no NUL, and its length is exact.
    func bind(utf8 value: [UInt8]?, at index: CInt) {
        guard let value, !value.isEmpty else {
            // No bytes to point at: nil is NULL, empty is "" (the encoder makes neither).
            bind(value.map { _ in "" }, at: index)
            return
        }
        let code = value.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                sqlite3_bind_text(handle, index, $0.baseAddress, CInt($0.count), SQLITE_TRANSIENT)
            }
        }
        precondition(code == SQLITE_OK, "cannot bind parameter \(index)")
    }

    /// Runs the statement with the values bound since the last run (through GRDB, which
    /// reports its changes and errors as for any statement), then resets it: SQLite binds
    /// nothing into a statement that has run and was not reset.
    func execute() throws {
        try statement.execute()
        sqlite3_reset(handle)
    }

    /// Drops the last row's values (SQLite holds copies of its strings).
    func finish() {
        sqlite3_clear_bindings(handle)
    }
}
