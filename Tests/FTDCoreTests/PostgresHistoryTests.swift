import FTDConfig
import Foundation
import GRDB
import PostgresNIO
import Testing

@testable import FTDEngine
@testable import FTDModel
@testable import FTDPostgres
@testable import FTDStore

/// The PostgreSQL store's reads against the SQLite store's, on the same rows: a history
/// recorded in SQLite is copied row for row into PostgreSQL with plain SQL (the SQLite
/// store's compact events spelled out, as PostgreSQL stores them), and every read of
/// `HistoryStore` and `CostStore` must give the same models, in the same order, with the
/// same errors.
@Suite(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipReason))
struct PostgresHistoryTests {
    typealias S = StoreSample

    /// Both stores holding `HistorySample.record`'s history.
    static func stores() async throws -> (sqlite: SQLiteStore, postgres: PostgresStore) {
        let database = try AppDatabase.inMemory()
        let sqlite = SQLiteStore(database)
        try await HistorySample.record(into: sqlite)
        let server = try TestPostgres.required()
        let postgres = try await server.open(schema: try await server.freshSchema())
        try await RowCopy.copy(database, into: postgres)
        return (sqlite, postgres)
    }

    /// What a read gave: its value or its error, spelled out (a NaN loss equals itself
    /// there, and an error's associated values are compared too).
    static func outcome(_ read: () async throws -> some Any) async -> String {
        do { return String(reflecting: try await read()) } catch {
            return "error: \(String(reflecting: error))"
        }
    }

    /// Expects `read` to give the same from both stores, and SQLite's to be an error only
    /// when `failing` says so (nil: either).
    static func same(
        _ what: String, _ stores: (sqlite: SQLiteStore, postgres: PostgresStore), failing: Bool? = false,
        _ read: (any JobStore) async throws -> some Any, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let expected = await outcome { try await read(stores.sqlite) }
        let found = await outcome { try await read(stores.postgres) }
        #expect(found == expected, "\(what)", sourceLocation: sourceLocation)
        if let failing {
            #expect(
                expected.hasPrefix("error: ") == failing, "\(what): \(expected)",
                sourceLocation: sourceLocation)
        }
    }

    @Test func theListingAndTheAccountsAreSQLites() async throws {
        let stores = try await Self.stores()
        let listings: [(status: String?, account: String?, limit: Int?)] = [
            (nil, nil, nil), ("running", nil, nil), (nil, "b", nil), (nil, nil, 3), ("succeeded", "a", 1),
            (nil, nil, 0), (nil, nil, -1), (nil, "nobody", nil),
        ]
        for (status, account, limit) in listings {
            await Self.same("summaries \(status ?? "-") \(account ?? "-") \(limit ?? 99)", stores) {
                try await $0.jobSummaries(status: status, account: account, limit: limit)
            }
            await Self.same("folded \(status ?? "-") \(account ?? "-") \(limit ?? 99)", stores) {
                try await $0.reduceJobSummaries(
                    status: status, account: account, limit: limit, into: [String]()
                ) {
                    $0.append($1.id)
                }
            }
        }
        await Self.same("accounts", stores) { try await $0.jobAccounts() }
        await Self.same("stored accounts", stores) { try await $0.storedAccountNames() }
        // Newest first, a job without `created_at` last, ties by id's bytes (`B` < `a`).
        let ids = try await stores.postgres.jobSummaries(status: nil, account: nil, limit: nil).map(\.id)
        #expect(ids.suffix(3) == ["ftjob-tie-a", "ftjob-tie-B", "ftjob-undated"])
    }

    @Test func jobsAreResolvedAndRefusedAsSQLiteDoes() async throws {
        let stores = try await Self.stores()
        let inputs: [(String, String?)] = [
            ("ftjob-same", nil), ("b/ftjob-same", nil), ("a/same", nil), ("ftjob-same", "b"), ("tie", nil),
            ("tie-a", nil), ("TIE", nil), ("ftjob-", nil), ("ftjob-", "b"), ("x/ftjob-same", nil),
            ("a/ftjob-same", "b"), ("", nil), ("  ftjob-undated ", nil), ("ftjob-e\u{301}", nil),
            ("ftjob-é", nil),
            ("ftjob-%", nil), ("ftjob-_", nil), ("und", "a"), ("nothing", nil),
        ]
        for (input, account) in inputs {
            await Self.same("resolve \(input) in \(account ?? "-")", stores, failing: nil) {
                try await $0.resolveJob(input, account: account)
            }
        }
    }

    @Test func eachJobsDetailIsSQLites() async throws {
        let stores = try await Self.stores()
        let jobs = try await stores.sqlite.jobSummaries(status: nil, account: nil, limit: nil).map(\.key)
        for job in jobs + [JobKey(account: "a", id: "ftjob-nope")] {
            let unknown = job.id == "ftjob-nope"
            for reading in [StepReading.none, .all, .curve] {
                for latest in [nil, 0, 3, 100] as [Int?] {
                    for skipping in [false, true] {
                        let what = "detail \(job) \(reading) \(latest ?? -1) \(skipping)"
                        await Self.same(what, stores, failing: unknown) {
                            try await $0.jobDetail(
                                job: job, latestEvents: latest, skippingMetricsEvents: skipping,
                                steps: reading)
                        }
                    }
                }
            }
            await Self.same("steps \(job)", stores) { try await $0.steps(job: job) }
            await Self.same("stored job \(job)", stores, failing: unknown) { try await $0.storedJob(job) }
            await Self.same("alerts \(job)", stores) { try await $0.alerts(job: job) }
            await Self.same("estimate \(job)", stores) { try await $0.estimate(job: job) }
        }
        let detail = try await stores.postgres.jobDetail(
            job: JobKey(account: "a", id: "ftjob-same"), latestEvents: nil, steps: .curve)
        #expect(detail.events.count == 9 && detail.alerts.count == 2)
        #expect(detail.curve?.count == 4)
    }

    @Test func theDashboardsPagesAreSQLites() async throws {
        let stores = try await Self.stores()
        let queries = [
            OverviewQuery(), OverviewQuery(limit: 2), OverviewQuery(limit: 2, offset: 2),
            OverviewQuery(limit: 0), OverviewQuery(limit: -3, offset: -1), OverviewQuery(status: "running"),
            OverviewQuery(account: "b"), OverviewQuery(search: "TIE"), OverviewQuery(search: "É"),
            OverviewQuery(search: "é"), OverviewQuery(search: "%"), OverviewQuery(search: "_"),
            OverviewQuery(search: "mini", sparkPoints: 1), OverviewQuery(search: ""),
            OverviewQuery(sparkPoints: 0), OverviewQuery(sparkPoints: 3), OverviewQuery(sparkPoints: 100),
        ]
        for query in queries {
            await Self.same("overview \(query)", stores) { try await $0.jobOverview(query) }
        }
        // SQLite's `lower` leaves `É` as it is: the needle `é` finds only a lowercase `é`.
        let accented = try await stores.postgres.jobOverview(OverviewQuery(search: "É"))
        #expect(accented.jobs.map(\.summary.id) == ["ftjob-é", "ftjob-undated"])
        let same = try await stores.postgres.jobOverview(OverviewQuery(search: "same", sparkPoints: 40))
        // Step 1's loss is NaN and step 4 has none: neither is drawn.
        #expect(same.jobs.map(\.spark) == [[], [1.2, 0.75]])
        let job = JobKey(account: "a", id: "ftjob-same")
        var pages = [
            EventPageQuery(job: job), EventPageQuery(job: job, limit: 2), EventPageQuery(job: job, limit: 0),
            EventPageQuery(job: job, level: "warn"), EventPageQuery(job: job, search: "LOSS"),
            EventPageQuery(job: job, search: "%"), EventPageQuery(job: job, search: "É"),
            EventPageQuery(job: job, search: "é"),
            EventPageQuery(job: JobKey(account: "b", id: "ftjob-same")),
        ]
        let all = try await stores.sqlite.eventPage(EventPageQuery(job: job)).events.map(\.cursor)
        for cursor in all {
            pages.append(EventPageQuery(job: job, before: cursor, limit: 3))
            pages.append(EventPageQuery(job: job, after: cursor, limit: 3))
        }
        for query in pages {
            await Self.same("events \(query)", stores) { try await $0.eventPage(query) }
        }
        #expect(try await stores.postgres.eventPage(EventPageQuery(job: job, search: "LOSS")).total >= 3)
    }

    @Test func hookRunsAlertsAndCostsAreSQLites() async throws {
        let stores = try await Self.stores()
        for failedOnly in [false, true] {
            for limit in [0, 1, 10] {
                await Self.same("hook runs \(failedOnly) \(limit)", stores) {
                    try await $0.hookRuns(failedOnly: failedOnly, limit: limit)
                }
            }
        }
        for limit in [-1, 0, 1, 10] {
            await Self.same("recent alerts \(limit)", stores) { try await $0.recentAlerts(limit: limit) }
        }
        let periods: [FinishedJobsQuery] = [
            FinishedJobsQuery(), FinishedJobsQuery(account: "a"), FinishedJobsQuery(finished: 0..<1_500),
            FinishedJobsQuery(finished: 1_500..<10_000, account: "b"),
        ]
        for query in periods {
            await Self.same("finished \(query)", stores) { try await $0.finishedJobGroups(query) }
        }
        #expect(try await stores.postgres.hookRuns(failedOnly: false, limit: 10).count == 4)
    }

    /// The same cycles recorded by each store's own writes read the same: what
    /// `ftd history` and the dashboard show does not depend on the backend. (Only what a
    /// store numbers itself may differ: event cursors, delivery ids.)
    @Test func aHistoryRecordedByEachStoreReadsTheSame() async throws {
        let sqlite = SQLiteStore(try AppDatabase.inMemory())
        let server = try TestPostgres.required()
        let postgres = try await server.open(schema: try await server.freshSchema())
        for cycle in try HistorySample.cycles() {
            for store in [sqlite, postgres] as [any JobStore] {
                _ = try await store.record(cycle: cycle, rule: TransitionDetector.rule)
            }
        }
        let stores = (sqlite: sqlite, postgres: postgres)
        await Self.same("summaries", stores) {
            try await $0.jobSummaries(status: nil, account: nil, limit: nil)
        }
        await Self.same("accounts", stores) { try await $0.storedAccountNames() }
        for query in [OverviewQuery(), OverviewQuery(search: "é", sparkPoints: 2)] {
            await Self.same("overview \(query)", stores) { try await $0.jobOverview(query) }
        }
        await Self.same("hook runs", stores) {
            try await $0.hookRuns(failedOnly: false, limit: 10).map { view in
                var view = view
                view.deliveryID = ""
                return view
            }
        }
        for job in try await sqlite.jobSummaries(status: nil, account: nil, limit: nil).map(\.key) {
            for reading in [StepReading.all, .curve] {
                await Self.same("detail \(job) \(reading)", stores) {
                    try await $0.jobDetail(
                        job: job, latestEvents: 4, skippingMetricsEvents: false, steps: reading)
                }
            }
            for search in [nil, "loss"] {
                await Self.same("events \(job) \(search ?? "-")", stores) {
                    let page = try await $0.eventPage(EventPageQuery(job: job, search: search, limit: 3))
                    return (page.total, page.events.map(\.event), page.next == nil)
                }
            }
        }
    }

    /// A write of `CostStore` reads back as SQLite's does.
    @Test func anEstimateIsReplaced() async throws {
        let stores = try await Self.stores()
        let estimate = TrainingEstimate(
            job: JobKey(account: "a", id: "ftjob-same"), trainedTokens: 9, epochs: 2, estimatedAt: 5)
        for store in [stores.sqlite, stores.postgres] as [any JobStore] {
            try await store.recordEstimate(estimate)
        }
        await Self.same("replaced", stores) { try await $0.estimate(job: estimate.job) }
        await Self.same("summaries", stores) {
            try await $0.jobSummaries(status: nil, account: nil, limit: nil)
        }
    }
}

/// A history that takes every path of the reads: two accounts with the same id, ties and
/// a missing `created_at`, ids and suffixes that differ only in case or by a non-ASCII
/// letter, events of one second and `metrics` ones (stored without their text by
/// SQLite), non-finite losses, checkpoints without a step or a time, hook runs, alerts
/// (one of a kind this ftd does not know) and estimates.
enum HistorySample {
    static func job(
        _ id: String, _ status: String, createdAt: Int64?, suffix: String? = nil,
        model: String? = "gpt-4o-mini",
        finishedAt: Int64? = nil, trainedTokens: Int64? = nil
    ) -> FineTuningJob {
        let raw: JSONValue =
            createdAt.map { .object(["id": .string(id), "status": .string(status), "created_at": .int($0)]) }
            ?? .object(["id": .string(id), "status": .string(status)])
        return FineTuningJob(
            id: id, status: status, model: model, createdAt: createdAt, finishedAt: finishedAt,
            trainedTokens: trainedTokens, suffix: suffix, raw: raw)
    }

    /// The cycles of the history: account `a`'s baseline and a later cycle (with a hook
    /// on every status), and account `b`'s baseline.
    static func cycles() throws -> [CycleRecord] {
        let hook = HookSettings(name: "every", on: ["*"], command: .shell("true"), retries: 0)
        var baseline = CycleRecord(
            observedAt: 100,
            jobs: [
                job("ftjob-same", "running", createdAt: 1_000, suffix: "Mixed_%"),
                job("ftjob-tie-a", "succeeded", createdAt: 500, finishedAt: 900, trainedTokens: 70),
                job("ftjob-tie-B", "failed", createdAt: 500, suffix: "Éclair", model: nil, finishedAt: 950),
                job("ftjob-undated", "queued", createdAt: nil, suffix: "éclair"),
            ])
        baseline.account = "a"

        var later = CycleRecord(
            observedAt: 200,
            jobs: [
                job("ftjob-same", "succeeded", createdAt: 1_000, finishedAt: 2_000, trainedTokens: 1_234),
                job("ftjob-é", "running", createdAt: 1_500),
                job("ftjob-e\u{301}", "running", createdAt: 1_600),
            ])
        later.account = "a"
        later.hooks = [hook]
        let metrics = LossStep(jobID: "ftjob-same", step: 3, totalSteps: 4, trainLoss: 0.75, validLoss: 0.5)
        let said = try #require(MetricsEventText.say(metrics))
        later.events["ftjob-same"] = [
            JobEvent(
                id: "ftevent-9", jobID: "ftjob-same", createdAt: 60, level: "info", type: "metrics",
                message: String(decoding: said.message, as: UTF8.self),
                data: try JSONValue.parse(Data(said.data))),
            JobEvent(
                id: "ftevent-8", jobID: "ftjob-same", createdAt: 50, level: "error", message: "Loss is Élevé"),
            JobEvent(
                id: "ftevent-7", jobID: "ftjob-same", createdAt: 50, level: "warn", message: "100% _done_"),
            JobEvent(
                id: "ftevent-6", jobID: "ftjob-same", createdAt: 50, type: "message", message: "loss fell",
                data: .object(["step": .int(2)])),
            JobEvent(id: "ftevent-5", jobID: "ftjob-same", createdAt: 40, message: "train LOSS 1.2"),
            JobEvent(id: "ftevent-4", jobID: "ftjob-same", createdAt: 30, level: "warn", message: "éclair"),
            JobEvent(id: "ftevent-3", jobID: "ftjob-same", createdAt: 30, message: "Checkpoint created"),
            JobEvent(id: "ftevent-2", jobID: "ftjob-same", createdAt: 20, message: "Validating"),
            JobEvent(id: "ftevent-1", jobID: "ftjob-same", createdAt: 10, message: "Created"),
        ]
        later.events["ftjob-é"] = [JobEvent(id: "ftevent-1", jobID: "ftjob-é", createdAt: 5, message: "É")]
        later.steps = [
            LossStep(
                jobID: "ftjob-same", step: 1, totalSteps: 4, trainLoss: .nan, trainMeanTokenAccuracy: 0.5),
            LossStep(jobID: "ftjob-same", step: 2, totalSteps: 4, trainLoss: 1.2, validLoss: .infinity),
            metrics,
            LossStep(jobID: "ftjob-same", step: 4, totalSteps: 4, trainLoss: nil, fullValidLoss: 0.25),
            LossStep(jobID: "ftjob-é", step: 7, trainLoss: 2),
        ]
        later.checkpoints = [
            Checkpoint(id: "ftckpt-z", jobID: "ftjob-same", createdAt: nil, stepNumber: nil),
            Checkpoint(id: "ftckpt-b", jobID: "ftjob-same", createdAt: 70, stepNumber: 4),
            Checkpoint(
                id: "ftckpt-a", jobID: "ftjob-same", createdAt: nil, stepNumber: 4,
                fineTunedModelCheckpoint: "ft:x:ckpt-4", metrics: .object(["train_loss": .double(0.25)])),
            Checkpoint(id: "ftckpt-c", jobID: "ftjob-same", createdAt: 60, stepNumber: 2),
        ]

        var other = CycleRecord(
            observedAt: 300,
            jobs: [
                // Not at the same time as a's: SQLite orders such twins as it stored them.
                job("ftjob-same", "running", createdAt: 1_100, model: "gpt-4.1"),
                job("ftjob-b", "succeeded", createdAt: 3_000, finishedAt: 3_500, trainedTokens: 5),
            ])
        other.account = "b"
        other.events["ftjob-same"] = [
            JobEvent(id: "ftevent-1", jobID: "ftjob-same", createdAt: 1, message: "b's")
        ]
        return [baseline, later, other]
    }

    /// The cycles, then hook runs (one delivery failed twice, one succeeded, one pending),
    /// alerts and an estimate.
    static func record(into store: SQLiteStore) async throws {
        for cycle in try cycles() { _ = try await store.record(cycle: cycle, rule: TransitionDetector.rule) }
        let deliveries = try await store.pendingDeliveries()
        for (index, delivery) in deliveries.enumerated() where index < 2 {
            for attempt in 0..<(index == 0 ? 2 : 1) {
                let run = try await store.beginAttempt(
                    deliveryID: delivery.id, startedAt: 210 + Int64(attempt))
                try await store.finishAttempt(
                    runID: run.runID,
                    result: HookRunResult(
                        exitCode: index == 0 ? 3 : 0, timedOut: false, startedAt: 210, durationMs: 12,
                        stderr: index == 0 ? "first\n  last words  \n\n" : ""),
                    cutByStop: false)
            }
            try await store.completeDelivery(id: delivery.id, succeeded: index == 1, at: 220, note: nil)
        }
        try await store.database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO alerts (account, job_id, kind, detail, observed_at, step) VALUES
                        ('a', 'ftjob-same', 'stalled', 'no event', 250, 3),
                        ('a', 'ftjob-same', 'overfitting', 'valid rose', 250, NULL),
                        ('a', 'ftjob-é', 'from_the_future', 'unknown kind', 240, 7),
                        ('b', 'ftjob-same', 'queued_too_long', 'waited', 260, NULL);
                    INSERT INTO deliveries (id, alert_id, account, job_id, hook, position, job_json, status,
                        attempts, created_at)
                    SELECT 'dlv_alert', id, account, job_id, 'every', 0, '{}', 'pending', 0, observed_at
                    FROM alerts WHERE kind = 'stalled';
                    """)
        }
        try await store.recordEstimate(
            TrainingEstimate(
                job: JobKey(account: "a", id: "ftjob-undated"), trainedTokens: 30, epochs: 3, estimatedAt: 1))
    }
}

/// Copies an SQLite store's rows into an empty PostgreSQL store with plain SQL: each
/// table's columns as PostgreSQL has them, events with their text spelled out.
enum RowCopy {
    /// Each table, the columns read from SQLite (or an expression), and those written.
    static let tables: [(table: String, select: String, columns: [String])] = [
        (
            "jobs",
            """
            account, id, status, model, fine_tuned_model, created_at, finished_at, trained_tokens,
            estimated_finish, training_file, validation_file, suffix, error_code, error_message, error_param,
            raw_json, first_seen_at, updated_at, final_sync_done, observed_ns
            """, []
        ),
        ("transitions", "id, account, job_id, from_status, to_status, observed_at, is_baseline", []),
        (
            "steps",
            """
            account, job_id, step, total_steps, train_loss, train_mean_token_accuracy, valid_loss,
            valid_mean_token_accuracy, full_valid_loss, full_valid_mean_token_accuracy, non_finite
            """, []
        ),
        (
            "checkpoints",
            "account, id, job_id, created_at, step_number, fine_tuned_model_checkpoint, metrics_json", []
        ),
        ("step_summaries", "account, job_id, step_count, last_step, last_train_loss", []),
        ("accounts", "name, baseline_completed_at, last_cycle, last_error, last_complete_cycle_at", []),
        ("alerts", "id, account, job_id, kind, detail, observed_at, step", []),
        ("job_estimates", "account, job_id, estimated_tokens, epochs, estimated_at", []),
        (
            "deliveries",
            """
            rowid, id, transition_id, alert_id, account, job_id, hook, position, job_json, status, attempts,
            created_at, done_at
            """,
            [
                "seq", "id", "transition_id", "alert_id", "account", "job_id", "hook", "position", "job_json",
                "status", "attempts", "created_at", "done_at",
            ]
        ),
        (
            "hook_runs",
            """
            id, delivery_id, account, job_id, hook, attempt, status, exit_code, timed_out, started_at,
            duration_ms, stdout, stderr, cut_by_stop, interrupted
            """, []
        ),
    ]

    static let booleans: Set<String> = [
        "final_sync_done", "is_baseline", "timed_out", "cut_by_stop", "interrupted",
    ]

    static func copy(_ database: AppDatabase, into store: PostgresStore) async throws {
        for (table, select, named) in tables {
            let columns =
                named.isEmpty
                ? select.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                : named
            let rows = try await database.writer.read { db in
                try Row.fetchAll(db, sql: "SELECT \(select) FROM \(table)").map { row in
                    (0..<row.count).map { row[$0] as DatabaseValue }
                }
            }
            for row in rows {
                var binds = PostgresBindings()
                for (column, value) in zip(columns, row) {
                    switch value.storage {
                    case .null: binds.appendNull()
                    case .int64(let number) where booleans.contains(column): binds.append(number != 0)
                    case .int64(let number): binds.append(number)
                    case .double(let number): binds.append(number)
                    case .string(let text): binds.append(text)
                    case .blob(let data): binds.append(String(decoding: data, as: UTF8.self))
                    }
                }
                let placeholders = (1...columns.count).map { "$\($0)" }.joined(separator: ", ")
                try await store.query(
                    PostgresQuery(
                        unsafeSQL:
                            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))",
                        binds: binds))
            }
        }
        let events = try await database.writer.read { db in
            try EventRecord.fetchAll(db, sql: EventRecord.selectSQL(where: ["1 = 1"], order: "e.seq"))
        }
        for event in events {
            try await store.query(
                """
                INSERT INTO events (seq, account, job_id, id, created_at, level, type, message, data_json)
                VALUES (\(event.seq ?? 0), \(event.account), \(event.jobID), \(event.id), \(event.createdAt),
                    \(event.level), \(event.type), \(event.message), \(event.dataJSON))
                """)
        }
    }
}
