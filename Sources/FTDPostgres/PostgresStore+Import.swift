import Dispatch
import FTDConfig
import FTDStore
import Logging
import PostgresNIO
import Synchronization

/// `ftd migrate --to postgres://…` (SPEC section 11): an SQLite history copied into an
/// empty PostgreSQL store, in one transaction, so that a copy cut short leaves the store
/// empty rather than half full.
extension PostgresStore {
    /// What was copied, table by table.
    public struct ImportReport: Sendable, Equatable {
        public var rows: [String: Int] = [:]
    }

    /// Why the copy did not start or did not finish.
    public enum ImportError: Error, Equatable, CustomStringConvertible {
        /// The store holds rows already: jobs, or accounts a daemon has polled (its
        /// baseline, with no job yet).
        case notEmpty(store: String, jobs: Int, accounts: Int)
        /// The copy's row counts differ from the file's.
        case countsDiffer(table: String, copied: Int, expected: Int)

        public var description: String {
            switch self {
            case .notEmpty(let store, let jobs, let accounts):
                let held =
                    jobs > 0 ? "\(jobs) job(s)" : "no job yet, but \(accounts) account(s) a daemon has polled"
                return
                    "\(store) already holds an ftd history (\(held)): ftd migrate copies only into an empty store; drop its tables or create a new database"
            case .countsDiffer(let table, let copied, let expected):
                return
                    "the copy of \(table) has \(copied) rows, the file \(expected): nothing was committed; run ftd migrate again"
            }
        }
    }

    /// The columns each table's values go into as something other than their SQLite
    /// storage class: PostgreSQL's booleans (SQLite's are integers).
    static let booleanColumns: Set<String> = [
        "final_sync_done", "is_baseline", "timed_out", "cut_by_stop", "interrupted",
    ]

    /// The most values one statement binds (PostgreSQL's protocol allows 65,535).
    static let bindsPerStatement = 30_000

    /// Copies every table of `database` into this store, which must hold no history.
    /// `progress` is told each table as it is done. The copy is checked: each table's rows
    /// are counted in the same transaction against the file's counts, before it commits.
    public func importHistory(
        from database: AppDatabase, progress: @escaping @Sendable (String, Int) -> Void = { _, _ in }
    ) async throws -> ImportReport {
        let expected = try database.exportCounts()
        let feed = ExportFeed()
        DispatchQueue.global(qos: .userInitiated).async {
            do {
                try database.export(batchSize: 2_000) { table, rows in try feed.send((table, rows)) }
                feed.finish(nil)
            } catch {
                feed.finish(error)
            }
        }
        defer { feed.cancel() }
        return try await transaction { connection in
            let jobs = try await Self.count("jobs", connection, logger)
            let accounts = try await Self.count("accounts", connection, logger)
            guard jobs == 0, accounts == 0 else {
                throw ImportError.notEmpty(store: displayName, jobs: jobs, accounts: accounts)
            }
            var report = ImportReport()
            var current: String?
            for try await (table, rows) in feed.stream {
                if current != table.name {
                    if let current { progress(current, report.rows[current] ?? 0) }
                    current = table.name
                }
                try await Self.insert(rows, into: table, connection, logger)
                report.rows[table.name, default: 0] += rows.count
                feed.taken()
            }
            if let current { progress(current, report.rows[current] ?? 0) }
            for table in AppDatabase.exportTables {
                let copied = try await Self.count(table.name, connection, logger)
                let wanted = expected[table.name] ?? 0
                guard copied == wanted else {
                    throw ImportError.countsDiffer(table: table.name, copied: copied, expected: wanted)
                }
                report.rows[table.name] = copied
            }
            // Rows inserted with their ids leave the sequences behind: the next id must
            // follow the copied ones.
            for (table, column) in [
                ("transitions", "id"), ("events", "seq"), ("alerts", "id"), ("hook_runs", "id"),
                ("deliveries", "seq"),
            ] {
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'),
                                COALESCE((SELECT MAX(\(column)) FROM \(table)), 0) + 1, false)
                            """), logger: logger)
            }
            return report
        }
    }

    static func count(_ table: String, _ connection: PostgresConnection, _ logger: Logger) async throws -> Int
    {
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(table)"), logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    /// One multi-row INSERT per `bindsPerStatement` values.
    static func insert(
        _ rows: [[ExportValue]], into table: ExportTable, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let width = table.columns.count
        let booleans = table.columns.map { booleanColumns.contains($0) }
        let perStatement = max(1, bindsPerStatement / width)
        var start = rows.startIndex
        while start < rows.endIndex {
            let end = min(start + perStatement, rows.endIndex)
            var bindings = PostgresBindings(capacity: (end - start) * width)
            var sql = "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES "
            var number = 0
            for (index, row) in rows[start..<end].enumerated() {
                sql += index == 0 ? "(" : ", ("
                for (column, value) in row.enumerated() {
                    number += 1
                    sql += column == 0 ? "$\(number)" : ", $\(number)"
                    switch value {
                    case .null: bindings.appendNull()
                    case .integer(let number) where booleans[column]: bindings.append(number != 0)
                    case .integer(let number): bindings.append(number)
                    case .real(let number): bindings.append(number)
                    case .text(let text): bindings.append(text)
                    }
                }
                sql += ")"
            }
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            start = end
        }
    }
}

/// Batches from SQLite's reading thread to the copying task, a few at a time: the reader
/// waits while the copy is behind, so a history of millions of events is never all in
/// memory.
final class ExportFeed: Sendable {
    typealias Batch = (ExportTable, [[ExportValue]])
    let stream: AsyncThrowingStream<Batch, any Error>
    private let continuation: AsyncThrowingStream<Batch, any Error>.Continuation
    private let room = DispatchSemaphore(value: 4)
    private let cancelled = Mutex(false)

    struct Cancelled: Error {}

    init() { (stream, continuation) = AsyncThrowingStream.makeStream() }

    /// Blocks the reading thread until the copy has room; throws once the copy stopped.
    func send(_ batch: Batch) throws {
        room.wait()
        if cancelled.withLock({ $0 }) { throw Cancelled() }
        continuation.yield(batch)
    }

    /// The copy took a batch: one more may come.
    func taken() { room.signal() }

    func finish(_ error: (any Error)?) {
        if let error, !(error is Cancelled) {
            continuation.finish(throwing: error)
        } else {
            continuation.finish()
        }
    }

    /// The copy stopped (done or failed): a reader waiting for room goes on, and stops.
    func cancel() {
        cancelled.withLock { $0 = true }
        for _ in 0..<8 { room.signal() }
    }
}
