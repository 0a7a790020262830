import FTDConfig
import FTDModel
import FTDStore
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The PostgreSQL backend of `JobStore` (SPEC section 11): the store several daemons on
/// several machines share, with one leader at a time. Every method is one query or one
/// transaction on a pooled connection; a cycle is one transaction, as with SQLite.
///
/// A daemon's store carries its `instance` (who it is in the `daemons` and
/// `leader_lease` tables). While it leads, its writes of cycles and hook attempts are
/// fenced: each such transaction first checks, under a share lock of the lease row, that
/// this instance still holds an unexpired lease, so that a leader that lost its lease
/// (paused, cut off) cannot write over its successor's work. Commands (`ftd history`,
/// `ftd submit`, …) have no instance and are not fenced.
public final class PostgresStore: Sendable {
    let client: PostgresClient
    private let running: Task<Void, Never>
    let logger: Logger
    /// What errors and `ftd status` call the store: the URL without password.
    public let displayName: String
    /// Who this process is among the store's daemons; nil for a command.
    public let instance: DaemonInstance?

    /// A daemon process, as the other daemons and `ftd status` see it.
    public struct DaemonInstance: Sendable, Equatable {
        /// Unique for each start of a daemon.
        public var id: String
        public var host: String
        public var pid: Int

        public init(id: String = UUID().uuidString.lowercased(), host: String, pid: Int) {
            self.id = id
            self.host = host
            self.pid = pid
        }

        /// This process.
        public static func current() -> DaemonInstance {
            DaemonInstance(
                host: ProcessInfo.processInfo.hostName, pid: Int(ProcessInfo.processInfo.processIdentifier))
        }
    }

    private init(
        client: PostgresClient, displayName: String, instance: DaemonInstance?, logger: Logger
    ) {
        self.client = client
        self.displayName = displayName
        self.instance = instance
        self.logger = logger
        self.running = Task { await client.run() }
    }

    deinit { running.cancel() }

    /// Connects, and brings the schema up to date (under a lock: two daemons starting at
    /// once migrate once). `password` is `PostgresPassword.resolve`'s.
    /// - Parameter schema: a schema of its own to work in (tests), else the user's
    ///   default search path.
    public static func open(
        _ settings: PostgresSettings, password: String?, instance: DaemonInstance? = nil,
        migrating: Bool = true, checkingSchema: Bool = true, schema: String? = nil, logger: Logger
    ) async throws -> PostgresStore {
        var configuration: PostgresClient.Configuration
        if settings.usesUnixSocket {
            configuration = PostgresClient.Configuration(
                unixSocketPath: settings.unixSocketPath, username: settings.user, password: password,
                database: settings.database)
        } else {
            configuration = PostgresClient.Configuration(
                host: settings.host, port: settings.port, username: settings.user, password: password,
                database: settings.database, tls: tls(settings))
        }
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.maximumConnections = 8
        var parameters = [("application_name", "ftd")]
        if let schema { parameters.append(("search_path", schema)) }
        configuration.options.additionalStartupParameters = parameters
        // PostgresNIO's pool retries a refused connection quietly for a minute before a
        // query fails: one connection first, so that a wrong password or a server that
        // is not there is one clear error at once. Its own log of those retries, which
        // would repeat the error every few seconds, is left out.
        try await preflight(settings, password: password, parameters: parameters, logger: logger)
        var quiet = logger
        quiet.logLevel = .critical
        let client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        let store = PostgresStore(
            client: client, displayName: settings.displayName, instance: instance, logger: logger)
        if migrating {
            try await store.migrate()
        } else if checkingSchema {
            try await store.checkSchema()
        }
        return store
    }

    /// Opens and closes one connection with the pool's settings.
    private static func preflight(
        _ settings: PostgresSettings, password: String?, parameters: [(String, String)], logger: Logger
    ) async throws {
        var configuration: PostgresConnection.Configuration
        if settings.usesUnixSocket {
            configuration = PostgresConnection.Configuration(
                unixSocketPath: settings.unixSocketPath, username: settings.user, password: password,
                database: settings.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            if settings.tls == .disable {
                tls = .disable
            } else {
                let context = try trustContext(settings)
                tls = settings.tls == .prefer ? .prefer(context) : .require(context)
            }
            configuration = PostgresConnection.Configuration(
                host: settings.host, port: settings.port, username: settings.user, password: password,
                database: settings.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = parameters
        var quiet = logger
        quiet.logLevel = .critical
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: configuration, id: 0, logger: quiet)
        } catch let error as PSQLError {
            throw storeError(error, displayName: settings.displayName)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unreachable(path: settings.displayName, detail: "\(error)")
        }
        try? await connection.close()
    }

    private static func tlsConfiguration(_ settings: PostgresSettings) -> TLSConfiguration {
        var context = TLSConfiguration.makeClientConfiguration()
        if settings.tls == .verifyFull {
            context.certificateVerification = .fullVerification
            if let file = settings.rootCertificate { context.trustRoots = .file(file) }
        } else {
            // libpq's `prefer` and `require`: encrypted, the certificate not checked.
            context.certificateVerification = .none
        }
        return context
    }

    /// The TLS context, or a configuration error that names a root certificate it could
    /// not load (NIOSSL's own said only `noSuchFilesystemObject`, as an unexpected failure).
    private static func trustContext(_ settings: PostgresSettings) throws -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: tlsConfiguration(settings))
        } catch {
            guard let file = settings.rootCertificate else { throw error }
            let problem =
                FileManager.default.isReadableFile(atPath: file)
                ? "not a PEM certificate (\(error))" : "cannot read it"
            throw ConfigurationError.invalid(
                "storage.url",
                "sslrootcert \(file): \(problem); expected the PEM file of the CA that signed the server's certificate"
            )
        }
    }

    private static func tls(_ settings: PostgresSettings) -> PostgresClient.Configuration.TLS {
        switch settings.tls {
        case .disable: .disable
        case .prefer: .prefer(tlsConfiguration(settings))
        case .require, .verifyFull: .require(tlsConfiguration(settings))
        }
    }

    /// Ends the pool's connections.
    public func close() { running.cancel() }

    // MARK: - Running queries

    /// Runs `work` in one transaction, mapping PostgreSQL's errors to `StoreError`.
    func transaction<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        try await mappingErrors {
            try await client.withTransaction(logger: logger) { connection in try await work(connection) }
        }
    }

    /// A transaction of the leader's: it first checks that this instance still holds the
    /// lease (when it is a daemon), and keeps the lease row share-locked until it commits,
    /// so that no takeover can commit in between.
    /// - Throws: `StoreError.notLeader` when another daemon holds the lease, or it expired.
    func fencedTransaction<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        guard let instance else { return try await transaction(work) }
        let displayName = self.displayName
        return try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT 1 FROM leader_lease
                WHERE holder = \(instance.id) AND expires_at > clock_timestamp()
                FOR SHARE
                """, logger: logger)
            var held = false
            for try await _ in rows { held = true }
            guard held else { throw StoreError.notLeader(path: displayName) }
            return try await work(connection)
        }
    }

    /// Statements of ftd's own making (tests, `ftd migrate`), never with a value in them.
    package func execute(unsafeSQL sql: String) async throws {
        try await query(PostgresQuery(unsafeSQL: sql))
    }

    /// One statement outside any transaction.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await mappingErrors { try await client.query(query, logger: logger) }
    }

    func mappingErrors<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch {
            throw mapped(error)
        }
    }

    /// The error a caller sees for what a statement or a transaction threw: ftd's own as it
    /// is, the server's answer as a `StoreError`, and what PostgresNIO reports of a cancelled
    /// task (a cancelled pool request, a connection closed under it) as the cancellation
    /// it is, so that a leader that lost its lease does not log its cancelled cycle as a
    /// failed one.
    func mapped(_ error: any Error) -> any Error {
        var cause = error
        if let wrapped = error as? PostgresTransactionError {
            // `withTransaction` wraps what failed: the closure's own error (a `StoreError`
            // such as `notLeader`, or a query's), else BEGIN's or COMMIT's.
            cause = wrapped.closureError ?? wrapped.beginError ?? wrapped.commitError ?? error
        }
        switch cause {
        case is StoreError, is ImportError, is CancellationError:
            return cause
        case let answer as PSQLError where answer.serverInfo != nil:
            return storeError(answer)
        case _ where Task.isCancelled:
            return CancellationError()
        case let failure as PSQLError:
            return storeError(failure)
        default:
            return cause
        }
    }

    /// What the person who runs ftd needs to know of a PostgreSQL error, never with the
    /// query's bound values (they may be hook output).
    func storeError(_ error: PSQLError) -> StoreError { Self.storeError(error, displayName: displayName) }

    static func storeError(_ error: PSQLError, displayName: String) -> StoreError {
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState] ?? ""
            // 08: connection exceptions; 57P01-03: the server shuts down or restarts;
            // 53: out of resources; 40: serialization failures and deadlocks.
            if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53")
                || state.hasPrefix("40")
            {
                return .unreachable(path: displayName, detail: "\(message) [\(state)]")
            }
            if state == "28P01" || state == "28000" {
                return .refused(path: displayName, detail: message)
            }
            if state == "3D000" {
                return .notAnFTDDatabase(
                    path: displayName, reason: "\(message): create it as docs/postgres.md says")
            }
            if state == "42501" {
                return .readOnly(path: displayName, detail: message)
            }
            return .ioFailure(path: displayName, detail: "\(message) [\(state)]")
        }
        let cause = error.underlying.map { ": \($0)" } ?? ""
        return .unreachable(path: displayName, detail: describe(error.code) + cause)
    }

    static func describe(_ code: PSQLError.Code) -> String {
        switch code {
        case .connectionError: "no connection"
        case .serverClosedConnection: "the server closed the connection"
        case .sslUnsupported: "the server does not offer TLS, which sslmode asks for"
        case .failedToAddSSLHandler: "TLS could not be set up"
        case .unexpectedBackendMessage, .unsupportedAuthMechanism: "an answer ftd cannot use"
        case .authMechanismRequiresPassword:
            "the server asks for a password: set storage.password_file or PGPASSWORD"
        case .queryCancelled: "the query was cancelled"
        case .tooManyParameters: "too many values in one statement"
        case .clientClosedConnection, .poolClosed: "the connection was closed"
        default: "\(code)"
        }
    }

    // MARK: - Schema

    /// Applies the migrations this store lacks, in one transaction holding an advisory
    /// lock: a second daemon starting at the same moment waits, then finds nothing to do.
    func migrate() async throws {
        try await transaction { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.ftd.migrations'))",
                logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS ftd_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger)
            var applied: Set<String> = []
            for try await name in try await connection.query(
                "SELECT name FROM ftd_migrations", logger: logger
            )
            .decode(String.self) {
                applied.insert(name)
            }
            let known = Set(PostgresSchema.migrations.map(\.name))
            if let unknown = applied.subtracting(known).sorted().first {
                throw StoreError.notAnFTDDatabase(
                    path: displayName,
                    reason: "it has migration \(unknown), from a newer ftd: upgrade this ftd")
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                logger.notice("migrating the PostgreSQL store: \(migration.name)")
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO ftd_migrations (name) VALUES (\(migration.name))", logger: logger)
            }
        }
    }

    /// A reader's check: the store exists and no migration is missing (a reader never
    /// migrates).
    func checkSchema() async throws {
        var applied: Set<String> = []
        do {
            for try await name in try await client.query("SELECT name FROM ftd_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(name)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P01" {
            throw StoreError.databaseMissing(path: displayName)
        } catch let error as PSQLError {
            throw storeError(error)
        }
        if let missing = PostgresSchema.migrations.map(\.name).first(where: { !applied.contains($0) }) {
            throw StoreError.olderSchema(path: displayName, missing: missing)
        }
    }
}

/// Every part of the store protocol, each in its own file (`+Poll`, `+Outbox`, `+Status`,
/// `+History`, `+Dashboard`, `+Costs`): the conformance suite runs against it.
extension PostgresStore: JobStore {}
