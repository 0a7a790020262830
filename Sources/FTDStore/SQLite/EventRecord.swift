import FTDModel
import Foundation
import GRDB

/// A row of `events` (the view over `event_rows`, migration v12). `seq` orders events
/// stored within one `created_at` second.
struct EventRecord: Sendable, Equatable {
    var seq: Int64?
    var account: String
    var id: String
    var jobID: String
    var createdAt: Int64
    var level: String
    var type: String?
    var message: String
    var dataJSON: String?
}

extension EventRecord {
    var event: JobEvent {
        StoredRows.event(
            id: id, jobID: jobID, createdAt: createdAt, level: level, type: type, message: message,
            dataJSON: dataJSON)
    }

    /// A job's events (`e`, with `k` its key) and, with `saying`, the step (`s`) that says
    /// a `metrics` event's text again. `messagesOnly` reads through the partial index of
    /// the few events that are not `metrics` ones, which the planner does not pick by
    /// itself; the conditions must then include `messagesOnlyCondition`.
    static func fromSQL(saying: Bool = true, messagesOnly: Bool = false) -> String {
        "job_keys k JOIN event_rows e" + (messagesOnly ? " INDEXED BY event_rows_messages" : "")
            + " ON e.job_key = k.job_key"
            + (saying
                ? " LEFT JOIN step_rows s ON e.rendering IS NOT NULL AND s.job_key = e.job_key AND s.step = e.step"
                : "")
    }

    /// The condition on `fromSQL` that selects one job, bound to its account and id.
    static let jobCondition = "k.account = ? AND k.id = ?"

    /// The condition that leaves out `metrics` events (see `fromSQL`).
    static let messagesOnlyCondition = "e.type IS NOT 'metrics'"

    /// An event's message in `fromSQL`, also where its step says it.
    static let messageSQL = """
        COALESCE(e.message, ftd_metrics_message(e.rendering, e.step, s.total_steps, s.train_loss,
            s.valid_loss, s.full_valid_loss))
        """

    /// The events `conditions` select (on `fromSQL`'s tables), ordered by `order` (of
    /// `e`'s columns), at most `?` of them with `limit`.
    static func selectSQL(
        where conditions: [String], order: String, limit: Bool = false, messagesOnly: Bool = false
    ) -> String {
        """
        SELECT e.seq, k.account, e.id, k.id, e.created_at, e.level, e.type, e.message, e.data_json,
            e.rendering, e.step, s.total_steps, s.train_loss, s.train_mean_token_accuracy, s.valid_loss,
            s.valid_mean_token_accuracy, s.full_valid_loss, s.full_valid_mean_token_accuracy
        FROM \(fromSQL(messagesOnly: messagesOnly))
        WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(order)\(limit ? " LIMIT ?" : "")
        """
    }

    /// `ftd_metrics_message(rendering, step, total_steps, train_loss, valid_loss,
    /// full_valid_loss)`: the message `MetricsEventText` says (`messageSQL`). Every
    /// connection ftd opens has it.
    static let metricsMessageFunction = DatabaseFunction(
        "ftd_metrics_message", argumentCount: 6, pure: true
    ) { values in
        guard let rendering = Int.fromDatabaseValue(values[0]), let number = Int.fromDatabaseValue(values[1])
        else { return nil }
        let step = LossStep(
            jobID: "", step: number, totalSteps: Int.fromDatabaseValue(values[2]),
            trainLoss: Double.fromDatabaseValue(values[3]), validLoss: Double.fromDatabaseValue(values[4]),
            fullValidLoss: Double.fromDatabaseValue(values[5]))
        return MetricsEventText.message(step, version: rendering).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension EventRecord: FetchableRecord {
    /// Reads a row of `selectSQL`: an event stored without its text has it said again
    /// from its step (`MetricsEventText`).
    init(row: Row) throws {
        seq = row[0]
        account = row[1]
        id = row[2]
        jobID = row[3]
        createdAt = row[4]
        level = row[5]
        type = row[6]
        guard let rendering: Int = row[9] else {
            message = row[7]
            dataJSON = row[8]
            return
        }
        let number: Int = row[10]
        let step = LossStep(
            jobID: jobID, step: number, totalSteps: row[11], trainLoss: row[12],
            trainMeanTokenAccuracy: row[13],
            validLoss: row[14], validMeanTokenAccuracy: row[15], fullValidLoss: row[16],
            fullValidMeanTokenAccuracy: row[17])
        guard let text = MetricsEventText.say(step, version: rendering) else {
            throw DatabaseError(
                resultCode: .SQLITE_CORRUPT,
                message:
                    "event \(id) of job \(jobID): its step \(number) cannot say its text (spelling \(rendering))"
            )
        }
        message = String(decoding: text.message, as: UTF8.self)
        dataJSON = String(decoding: text.data, as: UTF8.self)
    }
}
