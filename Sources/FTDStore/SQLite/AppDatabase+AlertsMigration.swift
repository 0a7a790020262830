import GRDB

extension AppDatabase {
    /// Migration `v10-alerts` (SPEC section 10).
    ///
    /// - `alerts`: one row per (job, kind), the findings no status change announces.
    /// - `alert_watch`: for a job already active when its account's baseline (or this
    ///   upgrade) took place, when its waiting and silence are counted from and the step
    ///   above which its losses are judged: such a job is judged only on what happens after.
    /// - `steps.non_finite`: a loss the API sent as `nan` or `inf` is kept as such
    ///   (`train_loss=nan`, `;`-separated): SQLite turns a NaN into NULL, so the value
    ///   column holds NULL and this column says what it was.
    /// - `jobs_active`: the jobs judged after each cycle, found without reading the others.
    /// - `deliveries` gains `alert_id`: a delivery is for a transition or for an alert,
    ///   in one outbox with the same durability. SQLite cannot relax `NOT NULL` on
    ///   `transition_id` in place, so the table is rebuilt, its rows copied in the order
    ///   they were enqueued (the rowid orders the outbox from now on).
    static func migrateToAlerts(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE alerts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    observed_at INTEGER NOT NULL,
                    step INTEGER,
                    UNIQUE (account, job_id, kind),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                );
                CREATE INDEX alerts_on_observed_at ON alerts (observed_at, id);

                CREATE TABLE alert_watch (
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    since INTEGER NOT NULL,
                    from_step INTEGER,
                    PRIMARY KEY (account, job_id),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                ) WITHOUT ROWID;

                ALTER TABLE steps ADD COLUMN non_finite TEXT;

                CREATE INDEX jobs_active ON jobs (account, id)
                    WHERE status NOT IN ('cancelled', 'failed', 'succeeded');

                CREATE TABLE deliveries_v10 (
                    id TEXT PRIMARY KEY NOT NULL,
                    transition_id INTEGER REFERENCES transitions (id) ON DELETE CASCADE,
                    alert_id INTEGER REFERENCES alerts (id) ON DELETE CASCADE,
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    hook TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    job_json TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    done_at INTEGER,
                    CHECK ((transition_id IS NULL) <> (alert_id IS NULL)),
                    FOREIGN KEY (account, job_id) REFERENCES jobs (account, id) ON DELETE CASCADE
                );
                INSERT INTO deliveries_v10 (id, transition_id, alert_id, account, job_id, hook, position,
                        job_json, status, attempts, created_at, done_at)
                    SELECT id, transition_id, NULL, account, job_id, hook, position, job_json, status, attempts,
                        created_at, done_at
                    FROM deliveries ORDER BY transition_id, position;
                DROP TABLE deliveries;
                ALTER TABLE deliveries_v10 RENAME TO deliveries;
                CREATE INDEX deliveries_pending ON deliveries (account, job_id) WHERE status = 'pending';
                CREATE INDEX deliveries_on_transition ON deliveries (transition_id, position);
                CREATE INDEX deliveries_on_alert ON deliveries (alert_id, position);
                """)
        // Jobs active at the upgrade are judged, like those active at a baseline, only on
        // what happens from now on: an upgrade must not announce what happened before it.
        // So are finished jobs whose final sync is still to come: their last steps arrive
        // after the upgrade.
        try db.execute(
            sql: """
                INSERT INTO alert_watch (account, job_id, since, from_step)
                SELECT jobs.account, jobs.id, CAST(strftime('%s', 'now') AS INTEGER),
                    (SELECT MAX(step) FROM steps WHERE steps.account = jobs.account AND steps.job_id = jobs.id)
                FROM jobs
                WHERE jobs.status NOT IN ('succeeded', 'failed', 'cancelled') OR NOT jobs.final_sync_done
                """)
    }

    /// Migration `v11-loss-scans` (issue 17): where the loss rules stopped for each job
    /// (`LossScans` as JSON, and its last step), so that a cycle judges only the steps it
    /// brought. Empty at the upgrade: each job's next judging reads its curve once.
    static func createLossScansTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE loss_scans (
                    account TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    last_step INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    PRIMARY KEY (account, job_id)
                ) WITHOUT ROWID
                """)
    }
}
