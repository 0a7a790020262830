import GRDB

@testable import FTDStore

/// The facts a database holds, as text, in an order that depends only on the facts: two
/// runs that learned the same things dump the same lines.
///
/// Row ids (and `job_key`) are left out where they only say which cycle wrote a row: when a request fails,
/// one job's transition or events are written by the next cycle of the same step, after
/// another job's, so `transitions.id` and `events.seq` differ between runs while each
/// job's own order is the same. Rows are therefore ordered by job, then by that id.
/// Times (`observed_at`, `first_seen_at`, `updated_at`) are compared: the poll cycle reads
/// the simulator's manual clock, and every cycle of a step runs at the step's time, so a
/// fact recorded a step late shows. Deliveries are compared by what they deliver (their
/// ids are random); their attempts are checked separately, against their bounds.
struct DatabaseDump: Equatable {
    var sections: [String: [String]]

    static let queries: [(String, String)] = [
        (
            "jobs",
            """
            SELECT id, status, model, fine_tuned_model, created_at, finished_at, trained_tokens,
                estimated_finish, training_file, validation_file, suffix, error_code, error_message,
                error_param, raw_json, first_seen_at, updated_at, final_sync_done
            FROM jobs ORDER BY id
            """
        ),
        (
            "transitions",
            """
            SELECT job_id, from_status, to_status, observed_at, is_baseline
            FROM transitions ORDER BY job_id, id
            """
        ),
        (
            "events",
            """
            SELECT job_id, id, created_at, level, type, message, data_json, step, rendering
            FROM events ORDER BY job_id, seq
            """
        ),
        (
            "steps",
            """
            SELECT account, job_id, step, total_steps, train_loss, train_mean_token_accuracy, valid_loss,
                valid_mean_token_accuracy, full_valid_loss, full_valid_mean_token_accuracy, non_finite
            FROM steps ORDER BY job_id, step
            """
        ),
        ("checkpoints", "SELECT * FROM checkpoints ORDER BY id"),
        // `events_seq` counts the events a run offered to store, as a rowid would.
        ("meta", "SELECT key, value FROM meta WHERE key != 'events_seq' ORDER BY key"),
        ("accounts", "SELECT name, baseline_completed_at FROM accounts ORDER BY name"),
        (
            "deliveries",
            """
            SELECT d.job_id, t.from_status, t.to_status, t.observed_at, d.hook, d.position, d.job_json,
                d.created_at
            FROM deliveries d JOIN transitions t ON t.id = d.transition_id
            ORDER BY d.job_id, t.id, d.position
            """
        ),
    ]

    init(_ store: AppDatabase) throws {
        sections = try store.writer.read { db in
            var sections: [String: [String]] = [:]
            for (name, sql) in Self.queries {
                sections[name] = try Row.fetchAll(db, sql: sql).map { row in
                    row.databaseValues.map(\.description).joined(separator: " | ")
                }
            }
            return sections
        }
    }

    func count(_ section: String) -> Int { sections[section]?.count ?? 0 }

    /// Per section that differs: the counts, and the first lines only one side has.
    func difference(from reference: DatabaseDump, limit: Int = 4) -> String {
        var lines: [String] = []
        for (name, _) in Self.queries {
            let mine = sections[name] ?? []
            let theirs = reference.sections[name] ?? []
            guard mine != theirs else { continue }
            lines.append("\(name): \(mine.count) rows, the fault-free run has \(theirs.count)")
            let missing = theirs.filter { !mine.contains($0) }
            let extra = mine.filter { !theirs.contains($0) }
            for line in missing.prefix(limit) { lines.append("  missing: \(line.prefix(300))") }
            for line in extra.prefix(limit) { lines.append("  extra:   \(line.prefix(300))") }
            if missing.isEmpty && extra.isEmpty { lines.append("  same rows, another order") }
        }
        return lines.joined(separator: "\n")
    }
}
