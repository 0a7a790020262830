/// The PostgreSQL store's schema, as numbered migrations that are never edited once
/// shipped (SPEC section 4). The tables are the SQLite store's as its users know them
/// (`jobs`, `transitions`, `events`, `steps`, …), keyed by `(account, job_id)`: the
/// SQLite store's compact layout (`job_keys`, events without their text) is a choice of
/// SQLite's file size, while PostgreSQL's TOAST compresses and its planner needs no hints.
/// Times are Unix seconds (`BIGINT`) as in SQLite, so both stores' rows compare equal;
/// only the leader lease uses the server's clock (`timestamptz`), so that no machine's
/// clock decides who leads.
enum PostgresSchema {
    struct Migration {
        let name: String
        let sql: [String]
    }

    static let migrations: [Migration] = [
        Migration(
            name: "v1-shared-store",
            sql: [
                """
                CREATE TABLE jobs (
                    account TEXT NOT NULL,
                    id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    model TEXT,
                    fine_tuned_model TEXT,
                    created_at BIGINT,
                    finished_at BIGINT,
                    trained_tokens BIGINT,
                    estimated_finish BIGINT,
                    training_file TEXT,
                    validation_file TEXT,
                    suffix TEXT,
                    error_code TEXT,
                    error_message TEXT,
                    error_param TEXT,
                    raw_json TEXT NOT NULL,
                    first_seen_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    final_sync_done BOOLEAN NOT NULL DEFAULT FALSE,
                    observed_ns BIGINT,
                    PRIMARY KEY (account, id)
                )
                """,
                "CREATE INDEX jobs_on_created_at ON jobs (created_at DESC, id DESC)",
                "CREATE INDEX jobs_on_status_created_at ON jobs (status, created_at DESC, id DESC)",
                "CREATE INDEX jobs_on_account_created_at ON jobs (account, created_at DESC, id DESC)",
                """
                CREATE INDEX jobs_active ON jobs (account, id)
                    WHERE status NOT IN ('cancelled', 'failed', 'succeeded')
                """,
                """
                CREATE TABLE transitions (
                    id BIGSERIAL PRIMARY KEY,
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    from_status TEXT,
                    to_status TEXT NOT NULL,
                    observed_at BIGINT NOT NULL,
                    is_baseline BOOLEAN NOT NULL,
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX transitions_on_job_id ON transitions (account, job_id, id)",
                """
                CREATE TABLE events (
                    seq BIGSERIAL PRIMARY KEY,
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    level TEXT NOT NULL,
                    type TEXT,
                    message TEXT NOT NULL,
                    data_json TEXT,
                    UNIQUE (account, job_id, id),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX events_on_job_id_created_at ON events (account, job_id, created_at, seq)",
                """
                CREATE INDEX events_messages_on_job_id ON events (account, job_id, created_at, seq)
                    WHERE type IS DISTINCT FROM 'metrics'
                """,
                """
                CREATE TABLE steps (
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    step BIGINT NOT NULL,
                    total_steps BIGINT,
                    train_loss DOUBLE PRECISION,
                    train_mean_token_accuracy DOUBLE PRECISION,
                    valid_loss DOUBLE PRECISION,
                    valid_mean_token_accuracy DOUBLE PRECISION,
                    full_valid_loss DOUBLE PRECISION,
                    full_valid_mean_token_accuracy DOUBLE PRECISION,
                    non_finite TEXT,
                    PRIMARY KEY (account, job_id, step),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                )
                """,
                """
                CREATE TABLE checkpoints (
                    account TEXT NOT NULL,
                    id TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    created_at BIGINT,
                    step_number BIGINT,
                    fine_tuned_model_checkpoint TEXT,
                    metrics_json TEXT,
                    PRIMARY KEY (account, id),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX checkpoints_on_job_id ON checkpoints (account, job_id, step_number)",
                // Kept by the writer in the cycle's transaction (no triggers): the job list reads
                // one row per job instead of counting its steps.
                """
                CREATE TABLE step_summaries (
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    step_count BIGINT NOT NULL,
                    last_step BIGINT NOT NULL,
                    last_train_loss DOUBLE PRECISION,
                    PRIMARY KEY (account, job_id),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                )
                """,
                """
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE accounts (
                    name TEXT PRIMARY KEY,
                    baseline_completed_at BIGINT,
                    last_cycle TEXT,
                    last_error TEXT,
                    last_complete_cycle_at BIGINT
                )
                """,
                """
                CREATE TABLE alerts (
                    id BIGSERIAL PRIMARY KEY,
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    observed_at BIGINT NOT NULL,
                    step BIGINT,
                    UNIQUE (account, job_id, kind),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX alerts_on_observed_at ON alerts (observed_at, id)",
                """
                CREATE TABLE alert_watch (
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    since BIGINT NOT NULL,
                    from_step BIGINT,
                    PRIMARY KEY (account, job_id),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                )
                """,
                """
                CREATE TABLE loss_scans (
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    last_step BIGINT NOT NULL,
                    state TEXT NOT NULL,
                    PRIMARY KEY (account, job_id)
                )
                """,
                """
                CREATE TABLE job_estimates (
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    estimated_tokens BIGINT NOT NULL,
                    epochs BIGINT NOT NULL,
                    estimated_at BIGINT NOT NULL,
                    PRIMARY KEY (account, job_id)
                )
                """,
                // `seq` orders the outbox as SQLite's rowid does. `claimed_by` names the
                // daemon instance whose attempt runs (or last ran) the delivery.
                """
                CREATE TABLE deliveries (
                    seq BIGSERIAL UNIQUE,
                    id TEXT PRIMARY KEY,
                    transition_id BIGINT REFERENCES transitions (id) ON DELETE CASCADE,
                    alert_id BIGINT REFERENCES alerts (id) ON DELETE CASCADE,
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    hook TEXT NOT NULL,
                    position BIGINT NOT NULL,
                    job_json TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending',
                    attempts BIGINT NOT NULL DEFAULT 0,
                    created_at BIGINT NOT NULL,
                    done_at BIGINT,
                    claimed_by TEXT,
                    CHECK ((transition_id IS NULL) <> (alert_id IS NULL)),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX deliveries_pending ON deliveries (account, job_id) WHERE status = 'pending'",
                "CREATE INDEX deliveries_on_transition ON deliveries (transition_id, position)",
                "CREATE INDEX deliveries_on_alert ON deliveries (alert_id, position)",
                """
                CREATE TABLE hook_runs (
                    id BIGSERIAL PRIMARY KEY,
                    delivery_id TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    hook TEXT NOT NULL,
                    attempt BIGINT NOT NULL,
                    status TEXT NOT NULL,
                    exit_code BIGINT,
                    timed_out BOOLEAN NOT NULL DEFAULT FALSE,
                    started_at BIGINT NOT NULL,
                    duration_ms BIGINT,
                    stdout TEXT NOT NULL DEFAULT '',
                    stderr TEXT NOT NULL DEFAULT '',
                    cut_by_stop BOOLEAN NOT NULL DEFAULT FALSE,
                    interrupted BOOLEAN NOT NULL DEFAULT FALSE,
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                )
                """,
                "CREATE UNIQUE INDEX hook_runs_on_delivery_attempt ON hook_runs (delivery_id, attempt)",
                "CREATE INDEX hook_runs_on_job_id ON hook_runs (account, job_id, id)",
                "CREATE INDEX hook_runs_running ON hook_runs (id) WHERE status = 'running'",
                // One row: who leads, until when (the server's clock), and the term, which
                // grows with every takeover.
                """
                CREATE TABLE leader_lease (
                    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
                    holder TEXT NOT NULL,
                    host TEXT NOT NULL,
                    pid BIGINT NOT NULL,
                    term BIGINT NOT NULL,
                    acquired_at TIMESTAMPTZ NOT NULL,
                    renewed_at TIMESTAMPTZ NOT NULL,
                    expires_at TIMESTAMPTZ NOT NULL
                )
                """,
                // Every daemon, leader or standby, says it is alive here.
                """
                CREATE TABLE daemons (
                    instance TEXT PRIMARY KEY,
                    host TEXT NOT NULL,
                    pid BIGINT NOT NULL,
                    started_at TIMESTAMPTZ NOT NULL,
                    seen_at TIMESTAMPTZ NOT NULL,
                    expires_at TIMESTAMPTZ NOT NULL
                )
                """,
            ])
    ]
}
