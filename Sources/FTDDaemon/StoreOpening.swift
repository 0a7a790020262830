import FTDConfig
import FTDPostgres
import FTDStore
import Logging

/// Opens the configured store for a command: the SQLite file, or the shared PostgreSQL
/// store when `storage.url` is set (SPEC section 11: every command works from any machine
/// with the URL, with the same output).
public enum StoreOpening {
    /// For a command that only reads (`ftd history`, `status`, `serve`, `hooks`, `report`):
    /// SQLite read-only, PostgreSQL without migrating. A reader never upgrades a store.
    public static func openForReading(_ storage: StorageSettings, logger: Logger = Logger(label: "ftd.store"))
        async throws -> any JobStore
    {
        if let postgres = storage.postgres {
            return try await PostgresStore.open(
                postgres, password: try PostgresPassword.resolve(postgres), migrating: false, logger: logger)
        }
        return SQLiteStore(try AppDatabase.openForReading(path: storage.database, logger: logger))
    }

    /// For a workflow command that records what it sees (`ftd submit`, `watch`, `cancel`, …):
    /// created or migrated as needed, as the daemon would. It is not a daemon: its writes
    /// are not fenced by the leader lease, and it runs no hook.
    public static func openForWriting(_ storage: StorageSettings, logger: Logger) async throws -> any JobStore
    {
        if let postgres = storage.postgres {
            return try await PostgresStore.open(
                postgres, password: try PostgresPassword.resolve(postgres), logger: logger)
        }
        return SQLiteStore(try Assembly.openDatabase(storage, checkingIntegrity: false, logger: logger))
    }
}
