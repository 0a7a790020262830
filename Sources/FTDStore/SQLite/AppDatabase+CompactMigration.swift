import FTDModel
import Foundation
import GRDB

extension AppDatabase {
    /// Migration `v12-compact-events`: a million steps took 481 MiB, most of it the same
    /// facts twice and the job's text id on every row.
    ///
    /// - `job_keys`: an integer key per job; events and steps carry it instead of the
    ///   account and job id.
    /// - `event_rows`: events clustered by (job, time, seq) without a rowid, so a job's
    ///   events are one range and need no second index. A `metrics` event whose message
    ///   and `data` its step says again byte for byte (`MetricsEventText`) keeps its step
    ///   and the spelling's version (`rendering`) instead of its text.
    /// - `step_rows`: the steps, keyed the same way.
    /// - `events` and `steps` are views with the columns the tables had (and `job_key`,
    ///   `step`, `rendering`), so that queries by account and job id read them as before.
    ///   Not the text: an event stored without it has `message` and `data_json` NULL in
    ///   `events` (`rendering` says so), and only ftd says it again, when it reads
    ///   (`EventRecord`). A pre-v12 ftd cannot write the views (`cannot modify events
    ///   because it is a view`), and its `ftd history JOB` fails on the NULL message: a
    ///   daemon left running from before the upgrade must be restarted.
    /// - `meta.events_seq`: the last `seq` given; `seq` orders the events of one second.
    static func migrateToCompactEvents(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE job_keys (
                    job_key INTEGER PRIMARY KEY,
                    account TEXT NOT NULL,
                    id TEXT NOT NULL,
                    UNIQUE (account, id),
                    FOREIGN KEY (account, id) REFERENCES jobs (account, id) ON DELETE CASCADE
                );
                INSERT INTO job_keys (account, id) SELECT account, id FROM jobs ORDER BY account, created_at, id;

                CREATE TABLE event_rows (
                    job_key INTEGER NOT NULL REFERENCES job_keys (job_key) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    id TEXT NOT NULL,
                    level TEXT NOT NULL,
                    type TEXT,
                    message TEXT,
                    data_json TEXT,
                    step INTEGER,
                    rendering INTEGER,
                    PRIMARY KEY (job_key, created_at, seq),
                    CHECK (CASE WHEN rendering IS NULL THEN message IS NOT NULL
                        ELSE message IS NULL AND data_json IS NULL AND step IS NOT NULL END)
                ) WITHOUT ROWID;

                CREATE TABLE step_rows (
                    job_key INTEGER NOT NULL REFERENCES job_keys (job_key) ON DELETE CASCADE,
                    step INTEGER NOT NULL,
                    total_steps INTEGER,
                    train_loss REAL,
                    train_mean_token_accuracy REAL,
                    valid_loss REAL,
                    valid_mean_token_accuracy REAL,
                    full_valid_loss REAL,
                    full_valid_mean_token_accuracy REAL,
                    non_finite TEXT,
                    PRIMARY KEY (job_key, step)
                ) WITHOUT ROWID;
                INSERT INTO step_rows SELECT k.job_key, s.step, s.total_steps, s.train_loss,
                    s.train_mean_token_accuracy, s.valid_loss, s.valid_mean_token_accuracy, s.full_valid_loss,
                    s.full_valid_mean_token_accuracy, s.non_finite
                    FROM steps s JOIN job_keys k ON k.account = s.account AND k.id = s.job_id;
                """)
        try copyEventsSayingMetricsAgain(db)
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO meta (key, value)
                    SELECT 'events_seq', COALESCE(MAX(seq), 0) FROM events;
                DROP TABLE events;
                DROP TABLE steps;

                -- The event a cycle may store again, found by its id.
                CREATE UNIQUE INDEX event_rows_on_id ON event_rows (job_key, id);
                -- A job's events without its metrics ones (the dashboard's chart view).
                CREATE INDEX event_rows_messages ON event_rows (job_key, created_at, seq)
                    WHERE type IS NOT 'metrics';

                CREATE VIEW events AS
                    SELECT e.seq, k.account, e.id, k.id AS job_id, e.created_at, e.level, e.type, e.message,
                        e.data_json, e.step, e.rendering, e.job_key
                    FROM event_rows e JOIN job_keys k ON k.job_key = e.job_key;
                CREATE VIEW steps AS
                    SELECT k.account, k.id AS job_id, s.step, s.total_steps, s.train_loss,
                        s.train_mean_token_accuracy, s.valid_loss, s.valid_mean_token_accuracy,
                        s.full_valid_loss, s.full_valid_mean_token_accuracy, s.non_finite, s.job_key
                    FROM step_rows s JOIN job_keys k ON k.job_key = s.job_key;

                CREATE TRIGGER step_rows_summary_after_insert AFTER INSERT ON step_rows BEGIN
                    INSERT INTO step_summaries (account, job_id, step_count, last_step, last_train_loss)
                    SELECT account, id, 1, NEW.step, NEW.train_loss FROM job_keys WHERE job_key = NEW.job_key
                    ON CONFLICT (account, job_id) DO UPDATE SET
                        step_count = step_count + 1,
                        last_train_loss = CASE WHEN NEW.step >= last_step THEN NEW.train_loss ELSE last_train_loss END,
                        last_step = MAX(last_step, NEW.step);
                END;
                CREATE TRIGGER step_rows_summary_after_update AFTER UPDATE ON step_rows BEGIN
                    UPDATE step_summaries SET last_train_loss = NEW.train_loss
                    WHERE (account, job_id) = (SELECT account, id FROM job_keys WHERE job_key = NEW.job_key)
                        AND last_step = NEW.step;
                END;
                CREATE TRIGGER step_rows_summary_after_delete AFTER DELETE ON step_rows BEGIN
                    UPDATE step_summaries SET
                        step_count = step_count - 1,
                        last_step = COALESCE((SELECT MAX(step) FROM step_rows WHERE job_key = OLD.job_key), 0),
                        last_train_loss = (
                            SELECT train_loss FROM step_rows WHERE job_key = OLD.job_key ORDER BY step DESC LIMIT 1)
                    WHERE (account, job_id) = (SELECT account, id FROM job_keys WHERE job_key = OLD.job_key);
                END;
                """)
    }

    /// Copies `events` into `event_rows`, without the text of each `metrics` event its
    /// stored step says again byte for byte.
    private static func copyEventsSayingMetricsAgain(_ db: Database) throws {
        let insert = try RowInsert(db, sql: copyEventRowSQL)
        defer { insert.finish() }
        // The old table, keyed by account and job: `step_rows` has no columns for them.
        let stepStatement = try db.makeStatement(
            sql: "SELECT * FROM steps WHERE account = ? AND job_id = ? AND step = ?")
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT k.job_key, e.created_at, e.seq, e.id, e.level, e.type, e.message, e.data_json,
                    e.account, e.job_id
                FROM events e JOIN job_keys k ON k.account = e.account AND k.id = e.job_id
                """)
        while let row = try rows.next() {
            let type: String? = row[5]
            let message: String = row[6]
            let dataJSON: String? = row[7]
            var said: Int?
            if type == "metrics", let dataJSON,
                let data = try? JSONValue.parse(Data(dataJSON.utf8)),
                let number = data["step"]?.intValue,
                let stored = try StepRecord.fetchOne(
                    stepStatement, arguments: [row[8] as String, row[9] as String, number]),
                let text = MetricsEventText.say(stored.lossStep),
                text.message.elementsEqual(message.utf8), text.data.elementsEqual(dataJSON.utf8)
            {
                said = number
            }
            try bindEventRow(
                insert, jobKey: row[0], createdAt: row[1], seq: row[2], id: row[3], level: row[4], type: type,
                text: said == nil ? (message, dataJSON.map { Array($0.utf8) }) : nil, saidStep: said)
        }
    }
}
