import FTDConfig
import FTDPostgres
import FTDStore
import Logging

extension Daemon {
    /// What a daemon holds before it runs: the database's lock first (nothing touches the
    /// database before it: a running daemon's `running` attempts are its hooks, still
    /// running), then the database, with the attempts a killed predecessor left running
    /// marked interrupted so that their deliveries run again.
    /// - Throws: `DaemonLockError.held` when another daemon runs on the database.
    public static func openStorage(_ storage: StorageSettings, logger: Logger) async throws -> (
        lock: DaemonLock, store: SQLiteStore
    ) {
        let lock = try DaemonLock.acquire(database: storage.database, groupReadable: storage.groupReadable)
        let store = SQLiteStore(try Assembly.openDatabase(storage, logger: logger))
        let interrupted = try await store.markInterruptedAttempts()
        if interrupted > 0 {
            logger.warning(
                "\(interrupted) hook attempt(s) were cut short by the last stop: their deliveries run again")
        }
        return (lock, store)
    }

    /// The shared PostgreSQL store (SPEC section 11), as this daemon's: no file lock (the
    /// leader lease decides who polls), migrated under the store's lock, and this process
    /// as its instance (`PostgresStore.DaemonInstance.current()`). Attempts left running are
    /// NOT marked here: they may be the live leader's; the daemon marks them when it takes
    /// the lease.
    /// - Parameter password: `PostgresPassword.resolve`'s, read before the process's
    ///   environment was scrubbed.
    public static func openSharedStore(_ settings: PostgresSettings, password: String?, logger: Logger)
        async throws -> PostgresStore
    {
        try await PostgresStore.open(settings, password: password, instance: .current(), logger: logger)
    }
}
