import GRDB

extension AppDatabase {
    /// The schema's history. A migration that has shipped is never edited: a change is a
    /// new migration appended here. String table and
    /// column names keep old migrations independent of today's record types.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "jobs") { t in
                t.primaryKey("id", .text)
                t.column("status", .text).notNull()
                t.column("model", .text)
                t.column("fine_tuned_model", .text)
                t.column("created_at", .integer)
                t.column("finished_at", .integer)
                t.column("trained_tokens", .integer)
                t.column("estimated_finish", .integer)
                t.column("training_file", .text)
                t.column("validation_file", .text)
                t.column("suffix", .text)
                t.column("error_code", .text)
                t.column("error_message", .text)
                t.column("error_param", .text)
                t.column("raw_json", .text).notNull()
                t.column("first_seen_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
                t.column("final_sync_done", .boolean).notNull().defaults(to: false)
            }
            // `ftd history` lists newest first, optionally of one status.
            try db.create(index: "jobs_on_created_at", on: "jobs", columns: ["created_at", "id"])
            try db.create(
                index: "jobs_on_status_created_at", on: "jobs", columns: ["status", "created_at", "id"])

            try db.create(table: "transitions") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("job_id", .text).notNull().references("jobs", onDelete: .cascade)
                t.column("from_status", .text)
                t.column("to_status", .text).notNull()
                t.column("observed_at", .integer).notNull()
                t.column("is_baseline", .boolean).notNull()
            }
            try db.create(index: "transitions_on_job_id", on: "transitions", columns: ["job_id", "id"])

            // `seq` keeps the order events were stored in: the API gives no order within one
            // `created_at` second other than its newest-first pages, which are stored oldest
            // first. An explicit INTEGER PRIMARY KEY, unlike a bare rowid, survives VACUUM.
            try db.create(table: "events") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("id", .text).notNull().unique()
                t.column("job_id", .text).notNull().references("jobs", onDelete: .cascade)
                t.column("created_at", .integer).notNull()
                t.column("level", .text).notNull()
                t.column("type", .text)
                t.column("message", .text).notNull()
                t.column("data_json", .text)
            }
            try db.create(
                index: "events_on_job_id_created_at", on: "events",
                columns: ["job_id", "created_at", "seq"])

            // Without rowid, a job's steps sit together in primary-key order: the loss
            // curve of one job among a million steps is one contiguous range.
            try db.create(table: "steps", options: [.withoutRowID]) { t in
                t.column("job_id", .text).notNull().references("jobs", onDelete: .cascade)
                t.column("step", .integer).notNull()
                t.column("total_steps", .integer)
                t.column("train_loss", .double)
                t.column("train_mean_token_accuracy", .double)
                t.column("valid_loss", .double)
                t.column("valid_mean_token_accuracy", .double)
                t.column("full_valid_loss", .double)
                t.column("full_valid_mean_token_accuracy", .double)
                t.primaryKey(["job_id", "step"])
            }

            try db.create(table: "checkpoints") { t in
                t.primaryKey("id", .text)
                t.column("job_id", .text).notNull().references("jobs", onDelete: .cascade)
                t.column("created_at", .integer)
                t.column("step_number", .integer)
                t.column("fine_tuned_model_checkpoint", .text)
                t.column("metrics_json", .text)
            }
            try db.create(
                index: "checkpoints_on_job_id", on: "checkpoints", columns: ["job_id", "step_number"])

            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
        }
        migrator.registerMigration("v2-hooks", migrate: Self.createHookTables)
        migrator.registerMigration("v3-graceful-stop") { db in
            // An attempt the daemon's graceful stop cut short: kept, but not counted
            // against the hook's retries.
            try db.alter(table: "hook_runs") { t in
                t.add(column: "cut_by_stop", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v4-step-summary") { db in
            // What `ftd history` lists of each job's loss curve, kept beside the job:
            // counting a million steps for every listing took most of its time. Triggers
            // keep it, so that every writer does, an older ftd still running included.
            try db.execute(
                sql: """
                    CREATE TABLE step_summaries (
                        job_id TEXT PRIMARY KEY NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                        step_count INTEGER NOT NULL,
                        last_step INTEGER NOT NULL,
                        last_train_loss REAL
                    ) WITHOUT ROWID;
                    INSERT INTO step_summaries (job_id, step_count, last_step)
                        SELECT job_id, COUNT(*), MAX(step) FROM steps GROUP BY job_id;
                    UPDATE step_summaries SET last_train_loss = (
                        SELECT train_loss FROM steps
                        WHERE steps.job_id = step_summaries.job_id AND steps.step = step_summaries.last_step);
                    CREATE TRIGGER steps_summary_after_insert AFTER INSERT ON steps BEGIN
                        INSERT INTO step_summaries (job_id, step_count, last_step, last_train_loss)
                        VALUES (NEW.job_id, 1, NEW.step, NEW.train_loss)
                        ON CONFLICT (job_id) DO UPDATE SET
                            step_count = step_count + 1,
                            last_train_loss = CASE WHEN NEW.step >= last_step THEN NEW.train_loss ELSE last_train_loss END,
                            last_step = MAX(last_step, NEW.step);
                    END;
                    CREATE TRIGGER steps_summary_after_update AFTER UPDATE ON steps BEGIN
                        UPDATE step_summaries SET last_train_loss = NEW.train_loss
                        WHERE job_id = NEW.job_id AND last_step = NEW.step;
                    END;
                    CREATE TRIGGER steps_summary_after_delete AFTER DELETE ON steps BEGIN
                        UPDATE step_summaries SET
                            step_count = step_count - 1,
                            last_step = COALESCE((SELECT MAX(step) FROM steps WHERE job_id = OLD.job_id), 0),
                            last_train_loss = (
                                SELECT train_loss FROM steps WHERE job_id = OLD.job_id ORDER BY step DESC LIMIT 1)
                        WHERE job_id = OLD.job_id;
                    END;
                    """)
        }
        migrator.registerMigration("v5-interrupted-attempts") { db in
            // An attempt the daemon died during (kill -9, a crash, a power cut), marked at
            // the next start: numbered and kept, but not counted against the retries, so
            // that every delivery gets one attempt that ran to its end. Rows an earlier
            // release marked carry its note.
            try db.alter(table: "hook_runs") { t in
                t.add(column: "interrupted", .boolean).notNull().defaults(to: false)
            }
            try db.execute(
                sql: """
                    UPDATE hook_runs SET interrupted = 1
                    WHERE status = 'failed' AND exit_code IS NULL AND NOT cut_by_stop AND stderr = ?
                    """, arguments: ["interrupted: ftd stopped while the hook ran"])
        }
        migrator.registerMigration("v6-observed-instant") { db in
            // Whole seconds could not order two writers' looks within one second: the
            // instant in nanoseconds does (`ObservedInstant`). Older rows keep NULL and
            // are ordered by `updated_at`.
            try db.alter(table: "jobs") { t in t.add(column: "observed_ns", .integer) }
        }
        migrator.registerMigration("v7-message-events") { db in
            // A job's events without its metrics ones (the dashboard's chart view): a few
            // dozen among 100,000, found without reading the others.
            try db.execute(
                sql: """
                    CREATE INDEX events_messages_on_job_id ON events (job_id, created_at, seq)
                    WHERE type IS NOT 'metrics'
                    """)
        }
        migrator.registerMigration("v8-accounts", migrate: Self.migrateToAccounts)
        migrator.registerMigration("v9-estimates", migrate: Self.createEstimatesTable)
        migrator.registerMigration("v10-alerts", migrate: Self.migrateToAlerts)
        migrator.registerMigration("v11-loss-scans", migrate: Self.createLossScansTable)
        migrator.registerMigration("v12-compact-events", migrate: Self.migrateToCompactEvents)
        return migrator
    }
}
