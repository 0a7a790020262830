import GRDB

extension AppDatabase {
    /// Migration `v8-accounts` (SPEC section 8): a job is identified by (account, id), and
    /// every row about a job carries its account. Two accounts may hold the same job,
    /// event or checkpoint id (two simulators, or OpenAI and Azure), so the keys change,
    /// and SQLite changes a key only by rebuilding the table: each one is copied into a
    /// table of the new shape, in the same transaction, with the rows of a
    /// single-account database given to `default`. `seq` and every other value are kept,
    /// so the history reads exactly as before. The per-account state of the `meta` table
    /// (baseline, last cycle, last error) moves to `accounts`.
    ///
    /// GRDB runs a migration with foreign keys off and checks them all before it commits.
    static func migrateToAccounts(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE jobs_v8 (
                    account TEXT NOT NULL,
                    id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    model TEXT,
                    fine_tuned_model TEXT,
                    created_at INTEGER,
                    finished_at INTEGER,
                    trained_tokens INTEGER,
                    estimated_finish INTEGER,
                    training_file TEXT,
                    validation_file TEXT,
                    suffix TEXT,
                    error_code TEXT,
                    error_message TEXT,
                    error_param TEXT,
                    raw_json TEXT NOT NULL,
                    first_seen_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    final_sync_done BOOLEAN NOT NULL DEFAULT 0,
                    observed_ns INTEGER,
                    PRIMARY KEY (account, id)
                );
                INSERT INTO jobs_v8 SELECT 'default', id, status, model, fine_tuned_model, created_at,
                    finished_at, trained_tokens, estimated_finish, training_file, validation_file, suffix,
                    error_code, error_message, error_param, raw_json, first_seen_at, updated_at,
                    final_sync_done, observed_ns FROM jobs;

                CREATE TABLE transitions_v8 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    from_status TEXT,
                    to_status TEXT NOT NULL,
                    observed_at INTEGER NOT NULL,
                    is_baseline BOOLEAN NOT NULL,
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                );
                INSERT INTO transitions_v8 SELECT id, 'default', job_id, from_status, to_status,
                    observed_at, is_baseline FROM transitions;

                CREATE TABLE events_v8 (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    account TEXT NOT NULL,
                    id TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    level TEXT NOT NULL,
                    type TEXT,
                    message TEXT NOT NULL,
                    data_json TEXT,
                    UNIQUE (account, id),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                );
                INSERT INTO events_v8 SELECT seq, 'default', id, job_id, created_at, level, type, message,
                    data_json FROM events;

                CREATE TABLE steps_v8 (
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    total_steps INTEGER,
                    train_loss DOUBLE,
                    train_mean_token_accuracy DOUBLE,
                    valid_loss DOUBLE,
                    valid_mean_token_accuracy DOUBLE,
                    full_valid_loss DOUBLE,
                    full_valid_mean_token_accuracy DOUBLE,
                    PRIMARY KEY (account, job_id, step),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                ) WITHOUT ROWID;
                INSERT INTO steps_v8 SELECT 'default', job_id, step, total_steps, train_loss,
                    train_mean_token_accuracy, valid_loss, valid_mean_token_accuracy, full_valid_loss,
                    full_valid_mean_token_accuracy FROM steps;

                CREATE TABLE checkpoints_v8 (
                    account TEXT NOT NULL,
                    id TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    created_at INTEGER,
                    step_number INTEGER,
                    fine_tuned_model_checkpoint TEXT,
                    metrics_json TEXT,
                    PRIMARY KEY (account, id),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                );
                INSERT INTO checkpoints_v8 SELECT 'default', id, job_id, created_at, step_number,
                    fine_tuned_model_checkpoint, metrics_json FROM checkpoints;

                CREATE TABLE step_summaries_v8 (
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    step_count INTEGER NOT NULL,
                    last_step INTEGER NOT NULL,
                    last_train_loss REAL,
                    PRIMARY KEY (account, job_id),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                ) WITHOUT ROWID;
                INSERT INTO step_summaries_v8 SELECT 'default', job_id, step_count, last_step, last_train_loss
                    FROM step_summaries;

                CREATE TABLE deliveries_v8 (
                    id TEXT PRIMARY KEY NOT NULL,
                    transition_id INTEGER NOT NULL REFERENCES transitions (id) ON DELETE CASCADE,
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    hook TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    job_json TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    done_at INTEGER,
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                );
                INSERT INTO deliveries_v8 SELECT id, transition_id, 'default', job_id, hook, position,
                    job_json, status, attempts, created_at, done_at FROM deliveries;

                CREATE TABLE hook_runs_v8 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    delivery_id TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    hook TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    exit_code INTEGER,
                    timed_out BOOLEAN NOT NULL DEFAULT 0,
                    started_at INTEGER NOT NULL,
                    duration_ms INTEGER,
                    stdout TEXT NOT NULL DEFAULT '',
                    stderr TEXT NOT NULL DEFAULT '',
                    cut_by_stop BOOLEAN NOT NULL DEFAULT 0,
                    interrupted BOOLEAN NOT NULL DEFAULT 0,
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                );
                INSERT INTO hook_runs_v8 SELECT id, delivery_id, 'default', job_id, hook, attempt, status,
                    exit_code, timed_out, started_at, duration_ms, stdout, stderr, cut_by_stop, interrupted
                    FROM hook_runs;

                DROP TABLE hook_runs;
                DROP TABLE deliveries;
                DROP TABLE step_summaries;
                DROP TABLE checkpoints;
                DROP TABLE steps;
                DROP TABLE events;
                DROP TABLE transitions;
                DROP TABLE jobs;
                ALTER TABLE jobs_v8 RENAME TO jobs;
                ALTER TABLE transitions_v8 RENAME TO transitions;
                ALTER TABLE events_v8 RENAME TO events;
                ALTER TABLE steps_v8 RENAME TO steps;
                ALTER TABLE checkpoints_v8 RENAME TO checkpoints;
                ALTER TABLE step_summaries_v8 RENAME TO step_summaries;
                ALTER TABLE deliveries_v8 RENAME TO deliveries;
                ALTER TABLE hook_runs_v8 RENAME TO hook_runs;

                -- `ftd history` lists newest first, of every account or of one, of one status or all.
                CREATE INDEX jobs_on_created_at ON jobs (created_at, id);
                CREATE INDEX jobs_on_status_created_at ON jobs (status, created_at, id);
                CREATE INDEX jobs_on_account_created_at ON jobs (account, created_at, id);
                CREATE INDEX transitions_on_job_id ON transitions (account, job_id, id);
                CREATE INDEX events_on_job_id_created_at ON events (account, job_id, created_at, seq);
                CREATE INDEX events_messages_on_job_id ON events (account, job_id, created_at, seq)
                    WHERE type IS NOT 'metrics';
                CREATE INDEX checkpoints_on_job_id ON checkpoints (account, job_id, step_number);
                CREATE INDEX deliveries_pending ON deliveries (transition_id, position) WHERE status = 'pending';
                CREATE INDEX deliveries_on_transition ON deliveries (transition_id, position);
                CREATE UNIQUE INDEX hook_runs_on_delivery_attempt ON hook_runs (delivery_id, attempt);
                CREATE INDEX hook_runs_on_job_id ON hook_runs (account, job_id, id);
                CREATE INDEX hook_runs_running ON hook_runs (id) WHERE status = 'running';

                CREATE TRIGGER steps_summary_after_insert AFTER INSERT ON steps BEGIN
                    INSERT INTO step_summaries (account, job_id, step_count, last_step, last_train_loss)
                    VALUES (NEW.account, NEW.job_id, 1, NEW.step, NEW.train_loss)
                    ON CONFLICT (account, job_id) DO UPDATE SET
                        step_count = step_count + 1,
                        last_train_loss = CASE WHEN NEW.step >= last_step THEN NEW.train_loss ELSE last_train_loss END,
                        last_step = MAX(last_step, NEW.step);
                END;
                CREATE TRIGGER steps_summary_after_update AFTER UPDATE ON steps BEGIN
                    UPDATE step_summaries SET last_train_loss = NEW.train_loss
                    WHERE account = NEW.account AND job_id = NEW.job_id AND last_step = NEW.step;
                END;
                CREATE TRIGGER steps_summary_after_delete AFTER DELETE ON steps BEGIN
                    UPDATE step_summaries SET
                        step_count = step_count - 1,
                        last_step = COALESCE(
                            (SELECT MAX(step) FROM steps WHERE account = OLD.account AND job_id = OLD.job_id), 0),
                        last_train_loss = (
                            SELECT train_loss FROM steps WHERE account = OLD.account AND job_id = OLD.job_id
                            ORDER BY step DESC LIMIT 1)
                    WHERE account = OLD.account AND job_id = OLD.job_id;
                END;

                -- Each account's own state: its baseline and how its last cycles went.
                CREATE TABLE accounts (
                    name TEXT PRIMARY KEY NOT NULL,
                    baseline_completed_at INTEGER,
                    last_cycle TEXT,
                    last_error TEXT,
                    last_complete_cycle_at INTEGER
                );
                INSERT INTO accounts (name, baseline_completed_at, last_cycle, last_error, last_complete_cycle_at)
                    SELECT 'default',
                        (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'baseline_completed_at'),
                        (SELECT value FROM meta WHERE key = 'daemon.last_cycle'),
                        (SELECT value FROM meta WHERE key = 'daemon.last_error'),
                        (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'daemon.last_complete_cycle_at')
                    WHERE EXISTS (SELECT 1 FROM meta WHERE key IN (
                        'baseline_completed_at', 'daemon.last_cycle', 'daemon.last_error',
                        'daemon.last_complete_cycle_at'))
                        OR EXISTS (SELECT 1 FROM jobs);
                DELETE FROM meta WHERE key IN (
                    'baseline_completed_at', 'daemon.last_cycle', 'daemon.last_error',
                    'daemon.last_complete_cycle_at');
                UPDATE meta SET key = 'events_resume_after:default/' || substr(key, 21)
                    WHERE key LIKE 'events_resume_after:%';
                """)
    }
}
