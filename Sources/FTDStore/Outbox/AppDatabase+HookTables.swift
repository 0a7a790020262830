import GRDB

extension AppDatabase {
    /// Migration `v2-hooks`: the durable outbox of SPEC section 5. A delivery is one
    /// (transition, hook) pair; each attempt at it is a `hook_runs` row, written before the
    /// hook starts so that an attempt cut short by a crash still counts.
    static func createHookTables(_ db: Database) throws {
        try db.create(table: "deliveries") { t in
            t.primaryKey("id", .text)
            t.column("transition_id", .integer).notNull().references("transitions", onDelete: .cascade)
            t.column("job_id", .text).notNull().references("jobs", onDelete: .cascade)
            t.column("hook", .text).notNull()
            // The hook's place in the configuration when enqueued: the order of one
            // transition's deliveries.
            t.column("position", .integer).notNull()
            // The job as the API sent it at the transition: what the hook's stdin carries.
            t.column("job_json", .text).notNull()
            t.column("status", .text).notNull().defaults(to: "pending")
            t.column("attempts", .integer).notNull().defaults(to: 0)
            t.column("created_at", .integer).notNull()
            t.column("done_at", .integer)
        }
        // The outbox reads undone deliveries in transition order; done ones leave the index.
        try db.create(
            index: "deliveries_pending", on: "deliveries", columns: ["transition_id", "position"],
            condition: Column("status") == "pending")
        // `ftd hooks runs` lists newest first.
        try db.create(
            index: "deliveries_on_transition", on: "deliveries", columns: ["transition_id", "position"])

        try db.create(table: "hook_runs") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("delivery_id", .text).notNull().references("deliveries", onDelete: .cascade)
            t.column("job_id", .text).notNull().references("jobs", onDelete: .cascade)
            t.column("hook", .text).notNull()
            t.column("attempt", .integer).notNull()
            t.column("status", .text).notNull()
            t.column("exit_code", .integer)
            t.column("timed_out", .boolean).notNull().defaults(to: false)
            t.column("started_at", .integer).notNull()
            t.column("duration_ms", .integer)
            t.column("stdout", .text).notNull().defaults(to: "")
            t.column("stderr", .text).notNull().defaults(to: "")
        }
        try db.create(
            index: "hook_runs_on_delivery_attempt", on: "hook_runs", columns: ["delivery_id", "attempt"],
            options: .unique)
        try db.create(index: "hook_runs_on_job_id", on: "hook_runs", columns: ["job_id", "id"])
        // Only rows of a hook that was running when the daemon died are ever 'running'.
        try db.create(
            index: "hook_runs_running", on: "hook_runs", columns: ["id"],
            condition: Column("status") == "running")
    }
}
