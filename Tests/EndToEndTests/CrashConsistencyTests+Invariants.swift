import FTDSimulator
import Foundation
import Testing

/// What a crash database must satisfy after a kill, and what it must share with the reference.
extension CrashConsistencyTests {
    /// Facts about a database that must be true whatever moment the writer died at; each
    /// query counts violations.
    static let invariants: [(String, String)] = [
        (
            "transitions of unknown jobs",
            "SELECT COUNT(*) FROM transitions WHERE job_id NOT IN (SELECT id FROM jobs)"
        ),
        ("events of unknown jobs", "SELECT COUNT(*) FROM events WHERE job_id NOT IN (SELECT id FROM jobs)"),
        ("steps of unknown jobs", "SELECT COUNT(*) FROM steps WHERE job_id NOT IN (SELECT id FROM jobs)"),
        (
            "checkpoints of unknown jobs",
            "SELECT COUNT(*) FROM checkpoints WHERE job_id NOT IN (SELECT id FROM jobs)"
        ),
        (
            "deliveries without their transition",
            "SELECT COUNT(*) FROM deliveries WHERE transition_id NOT IN (SELECT id FROM transitions)"
        ),
        (
            "hook runs without their delivery",
            "SELECT COUNT(*) FROM hook_runs WHERE delivery_id NOT IN (SELECT id FROM deliveries)"
        ),
        (
            "transitions without all their deliveries",
            """
            SELECT COUNT(*) FROM transitions t WHERE NOT t.is_baseline
                AND (SELECT COUNT(*) FROM deliveries d WHERE d.transition_id = t.id) != 1 + (t.to_status IN \(terminal))
            """
        ),
        (
            "baseline transitions with deliveries",
            "SELECT COUNT(*) FROM deliveries d JOIN transitions t ON t.id = d.transition_id WHERE t.is_baseline"
        ),
        (
            "jobs whose status is not their last transition's",
            "SELECT COUNT(*) FROM jobs j WHERE j.status IS NOT (SELECT to_status FROM transitions WHERE job_id = j.id ORDER BY id DESC LIMIT 1)"
        ),
        (
            "jobs without a recorded baseline",
            "SELECT EXISTS (SELECT 1 FROM jobs WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE accounts.name = jobs.account AND baseline_completed_at IS NOT NULL))"
        ),
        (
            "a baseline spread over cycles",
            "SELECT COUNT(DISTINCT observed_at) > 1 FROM transitions WHERE is_baseline"
        ),
        (
            "deliveries whose attempt count is not their runs'",
            "SELECT COUNT(*) FROM deliveries d WHERE d.attempts != (SELECT COUNT(*) FROM hook_runs h WHERE h.delivery_id = d.id)"
        ),
        (
            "succeeded deliveries without a succeeded run",
            "SELECT COUNT(*) FROM deliveries d WHERE d.status = 'succeeded' AND NOT EXISTS (SELECT 1 FROM hook_runs h WHERE h.delivery_id = d.id AND h.status = 'succeeded')"
        ),
        (
            "events the reference does not have",
            "SELECT COUNT(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM ref.events r WHERE r.id = e.id AND r.job_id = e.job_id AND r.message IS e.message AND r.data_json IS e.data_json AND r.step IS e.step AND r.rendering IS e.rendering)"
        ),
        (
            "an event missing before a stored one (a gap)",
            """
            SELECT COUNT(*) FROM ref.events r WHERE r.id NOT IN (SELECT id FROM events)
                AND EXISTS (SELECT 1 FROM ref.events r2 JOIN events e ON e.id = r2.id WHERE r2.job_id = r.job_id AND r2.seq > r.seq)
            """
        ),
        (
            "finished jobs without all their events and checkpoints",
            """
            SELECT COUNT(*) FROM jobs j WHERE j.final_sync_done AND (
                (SELECT COUNT(*) FROM events WHERE job_id = j.id) != (SELECT COUNT(*) FROM ref.events WHERE job_id = j.id)
                OR (SELECT COUNT(*) FROM checkpoints WHERE job_id = j.id) != (SELECT COUNT(*) FROM ref.checkpoints WHERE job_id = j.id))
            """
        ),
        (
            "steps the reference does not have",
            "SELECT COUNT(*) FROM (SELECT \(stepColumns) FROM steps EXCEPT SELECT \(stepColumns) FROM ref.steps)"
        ),
        (
            "checkpoints the reference does not have",
            "SELECT COUNT(*) FROM (SELECT * FROM checkpoints EXCEPT SELECT * FROM ref.checkpoints)"
        ),
    ]

    /// The columns of a step, without its integer job key (each database gives its own).
    static let stepColumns = """
        account, job_id, step, total_steps, train_loss, train_mean_token_accuracy, valid_loss,
        valid_mean_token_accuracy, full_valid_loss, full_valid_mean_token_accuracy, non_finite
        """

    /// What both databases must hold alike once the crash database's next run completed:
    /// each query's rows, with `{db}` the database's schema name, compared both ways.
    static let sameFacts: [(String, String)] = [
        (
            "jobs",
            "SELECT id, status, final_sync_done, raw_json, model, fine_tuned_model, trained_tokens, finished_at, error_code FROM {db}.jobs"
        ),
        (
            "transitions",
            """
            SELECT job_id, group_concat(coalesce(from_status, '-') || '>' || to_status || ':' || is_baseline, ',')
            FROM (SELECT * FROM {db}.transitions ORDER BY id) GROUP BY job_id
            """
        ),
        (
            "events",
            "SELECT id, job_id, created_at, level, type, message, data_json, step, rendering FROM {db}.events"
        ),
        (
            "event order",
            "SELECT job_id, group_concat(id, ',') FROM (SELECT * FROM {db}.events ORDER BY seq) GROUP BY job_id"
        ),
        ("steps", "SELECT \(stepColumns) FROM {db}.steps"),
        ("checkpoints", "SELECT * FROM {db}.checkpoints"),
        (
            "deliveries",
            """
            SELECT t.job_id, coalesce(t.from_status, '-'), t.to_status, d.hook, d.position, d.status, COUNT(*)
            FROM {db}.deliveries d JOIN {db}.transitions t ON t.id = d.transition_id
            GROUP BY t.job_id, t.from_status, t.to_status, d.hook, d.position, d.status
            """
        ),
    ]
}
