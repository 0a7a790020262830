import FTDModel
import FTDStore
import PostgresNIO

/// How the history's reads run: each in one read-only transaction that sees one snapshot,
/// as the SQLite store reads in one `read`, so that a job's detail never mixes two cycles
/// (its events counted after a commit, listed before it).
extension PostgresStore {
    func reading<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        // `mappingErrors` unwraps what failed in it (`StoreError.unknownJob`, a server's
        // error) from PostgresNIO's `PostgresTransactionError`.
        try await mappingErrors {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                return try await work(connection)
            }
        }
    }
}

/// A statement put together from pieces (optional filters, a limit): each value is bound,
/// and the SQL names it `$N`, never spells it.
struct BoundValues {
    private(set) var binds = PostgresBindings()

    /// Binds `value`; returns the placeholder that names it.
    mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    func query(_ sql: String) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}

/// Text compared as SQLite compares it: PostgreSQL orders text by the database's collation
/// (`en_US`: `a` < `B`), SQLite by its bytes (`B` < `a`); `C` is bytes, on every server.
let bytewise = "COLLATE \"C\""

/// The job listing's columns, as `jobSummary(_:)` reads them: the step count
/// and last loss from `step_summaries`, and `ftd submit`'s estimate.
let summaryColumns = """
    jobs.account, jobs.id, jobs.status, jobs.model, jobs.fine_tuned_model, jobs.created_at,
        jobs.finished_at, jobs.trained_tokens, jobs.error_code, jobs.error_message, jobs.error_param,
        COALESCE(step_summaries.step_count, 0), step_summaries.last_train_loss,
        job_estimates.estimated_tokens
    """

/// The tables `summaryColumns` reads.
let summaryTables = """
    jobs
    LEFT JOIN step_summaries ON step_summaries.account = jobs.account AND step_summaries.job_id = jobs.id
    LEFT JOIN job_estimates ON job_estimates.account = jobs.account AND job_estimates.job_id = jobs.id
    """

/// Newest `created_at` first, ties by id descending, as SQLite orders them: a job without
/// `created_at` last (SQLite's NULL is the smallest value; PostgreSQL's the largest). The
/// same id at the same time in two accounts, which SQLite leaves in the order it stored
/// them (its index's rowid), is ordered by account here: PostgreSQL keeps no such order.
func newestFirst(_ table: String = "jobs") -> String {
    "\(table).created_at DESC NULLS LAST, \(table).id \(bytewise) DESC, \(table).account \(bytewise) DESC"
}

/// The first 14 columns of `row`, as `summaryColumns` lists them (a row may go on with more).
func jobSummary(_ row: PostgresRow) throws -> JobSummary {
    let (
        account, id, status, model, fineTunedModel, createdAt, finishedAt, trainedTokens, code, message,
        param,
        steps, lastTrainLoss, estimate
    ) = try row.decode(
        (
            String, String, String, String?, String?, Int64?, Int64?, Int64?, String?, String?, String?, Int,
            Double?, Int64?
        ).self)
    return JobSummary(
        account: account, id: id, status: status, model: model, fineTunedModel: fineTunedModel,
        createdAt: createdAt, finishedAt: finishedAt, trainedTokens: trainedTokens,
        error: StoredRows.jobError(code: code, message: message, param: param), steps: steps,
        lastTrainLoss: lastTrainLoss, estimatedTrainedTokens: estimate)
}
