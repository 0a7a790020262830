import FTDModel
import GRDB

/// One value of an exported row, as SQLite holds it.
package enum ExportValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A table as `ftd migrate` copies it: its name and its columns, in the order of the
/// PostgreSQL store's table of the same name (SPEC section 11).
package struct ExportTable: Sendable, Equatable {
    package let name: String
    package let columns: [String]
    /// The query that reads it from SQLite, its values in `columns` order.
    let sql: String

    init(_ name: String, _ columns: [String], from source: String? = nil, order: String? = nil) {
        self.name = name
        self.columns = columns
        self.sql =
            "SELECT \(columns.joined(separator: ", ")) FROM \(source ?? name)"
            + (order.map { " ORDER BY \($0)" } ?? "")
    }

    init(_ name: String, _ columns: [String], sql: String) {
        self.name = name
        self.columns = columns
        self.sql = sql
    }
}

extension AppDatabase {
    /// Every table of ftd's history, parents before children, so that each row's foreign
    /// keys are there when it is inserted. Ids that other rows refer to (`transitions.id`,
    /// `alerts.id`, `hook_runs.id`) are copied as they are; the outbox keeps its order.
    /// Events are read with their text said again (`EventRecord`), so the copy holds every
    /// message in full. `meta`'s own counter (`events_seq`) stays behind: the new store
    /// numbers events itself.
    package static let exportTables: [ExportTable] = [
        ExportTable(
            "jobs",
            [
                "account", "id", "status", "model", "fine_tuned_model", "created_at", "finished_at",
                "trained_tokens", "estimated_finish", "training_file", "validation_file", "suffix",
                "error_code", "error_message", "error_param", "raw_json", "first_seen_at", "updated_at",
                "final_sync_done", "observed_ns",
            ], order: "account, id"),
        ExportTable(
            "transitions",
            ["id", "account", "job_id", "from_status", "to_status", "observed_at", "is_baseline"], order: "id"
        ),
        ExportTable(
            "events",
            ["seq", "account", "job_id", "id", "created_at", "level", "type", "message", "data_json"],
            sql: EventRecord.selectSQL(where: ["1"], order: "e.seq")),
        ExportTable(
            "steps",
            [
                "account", "job_id", "step", "total_steps", "train_loss", "train_mean_token_accuracy",
                "valid_loss", "valid_mean_token_accuracy", "full_valid_loss",
                "full_valid_mean_token_accuracy",
                "non_finite",
            ], order: "job_key, step"),
        ExportTable(
            "checkpoints",
            [
                "account", "id", "job_id", "created_at", "step_number", "fine_tuned_model_checkpoint",
                "metrics_json",
            ], order: "account, id"),
        ExportTable(
            "step_summaries", ["account", "job_id", "step_count", "last_step", "last_train_loss"],
            order: "account, job_id"),
        ExportTable("meta", ["key", "value"], from: "meta WHERE key <> 'events_seq'", order: "key"),
        ExportTable(
            "accounts",
            ["name", "baseline_completed_at", "last_cycle", "last_error", "last_complete_cycle_at"],
            order: "name"),
        ExportTable(
            "alerts", ["id", "account", "job_id", "kind", "detail", "observed_at", "step"], order: "id"),
        ExportTable("alert_watch", ["account", "job_id", "since", "from_step"], order: "account, job_id"),
        ExportTable("loss_scans", ["account", "job_id", "last_step", "state"], order: "account, job_id"),
        ExportTable(
            "job_estimates", ["account", "job_id", "estimated_tokens", "epochs", "estimated_at"],
            order: "account, job_id"),
        ExportTable(
            "deliveries",
            [
                "id", "transition_id", "alert_id", "account", "job_id", "hook", "position", "job_json",
                "status",
                "attempts", "created_at", "done_at",
            ], order: "rowid"),
        ExportTable(
            "hook_runs",
            [
                "id", "delivery_id", "account", "job_id", "hook", "attempt", "status", "exit_code",
                "timed_out",
                "started_at", "duration_ms", "stdout", "stderr", "cut_by_stop", "interrupted",
            ], order: "id"),
    ]

    /// Reads every table of `exportTables` in one read transaction (one snapshot: a
    /// daemon writing meanwhile cannot make the copy inconsistent), handing `body` at most
    /// `batchSize` rows at a time. `body` may block: it runs on the caller's thread.
    package func export(batchSize: Int, _ body: (ExportTable, [[ExportValue]]) throws -> Void) throws {
        try read { db in
            for table in Self.exportTables {
                var batch: [[ExportValue]] = []
                batch.reserveCapacity(batchSize)
                if table.name == "events" {
                    let cursor = try EventRecord.fetchCursor(db, sql: table.sql)
                    while let event = try cursor.next() {
                        batch.append([
                            event.seq.map(ExportValue.integer) ?? .null, .text(event.account),
                            .text(event.jobID),
                            .text(event.id), .integer(event.createdAt), .text(event.level),
                            event.type.map(ExportValue.text) ?? .null, .text(event.message),
                            event.dataJSON.map(ExportValue.text) ?? .null,
                        ])
                        if batch.count == batchSize {
                            try body(table, batch)
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                } else {
                    let cursor = try Row.fetchCursor(db, sql: table.sql)
                    while let row = try cursor.next() {
                        batch.append(
                            (0..<row.count).map { index in
                                switch row[index] as DatabaseValue {
                                case let value where value.isNull: return .null
                                case let value:
                                    switch value.storage {
                                    case .int64(let number): return .integer(number)
                                    case .double(let number): return .real(number)
                                    case .string(let text): return .text(text)
                                    case .blob(let data): return .text(String(decoding: data, as: UTF8.self))
                                    case .null: return .null
                                    }
                                }
                            })
                        if batch.count == batchSize {
                            try body(table, batch)
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                }
                if !batch.isEmpty { try body(table, batch) }
            }
        }
    }

    /// How many rows each of `exportTables` holds: what the copy is checked against.
    package func exportCounts() throws -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for table in Self.exportTables {
                counts[table.name] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(table.sql))") ?? 0
            }
            return counts
        }
    }
}
