import FTDConfig
import Foundation
import PostgresNIO
import Testing

@testable import FTDEngine
@testable import FTDModel
@testable import FTDPostgres
@testable import FTDStore

/// What only the shared store has to answer for (SPEC section 11): several processes
/// writing one database at once. A delivery is claimed by one of them, a cycle that fails
/// leaves nothing, the schema is migrated once however many daemons start together, and
/// a cycle's many events and steps are stored once each.
@Suite(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipReason))
struct PostgresStoreConcurrencyTests {
    typealias S = StoreSample
    static let rule = TransitionDetector.rule
    static let everyStatus = HookSettings(name: "every", on: ["*"], command: .shell("true"), retries: 0)

    /// Two stores on one fresh schema, as two daemons (or a daemon and a command) see it.
    static func twoStores(instances: Bool = false) async throws -> (PostgresStore, PostgresStore) {
        let server = try TestPostgres.required()
        let schema = try await server.freshSchema()
        let first = try await server.open(
            schema: schema, instance: instances ? .init(host: "one", pid: 1) : nil)
        let second = try await server.open(
            schema: schema, instance: instances ? .init(host: "two", pid: 2) : nil)
        return (first, second)
    }

    /// A baseline, then one transition with its delivery: the delivery's id.
    static func oneDelivery(_ store: PostgresStore) async throws -> String {
        _ = try await store.recordCycle(CycleRecord(observedAt: 100), rule: rule)
        var cycle = CycleRecord(observedAt: 200, jobs: [S.job("ftjob-a", "succeeded")])
        cycle.hooks = [everyStatus]
        _ = try await store.recordCycle(cycle, rule: rule)
        return try #require(try await store.pendingDeliveries().first).id
    }

    /// The single integer `sql` answers.
    static func count(_ store: PostgresStore, _ sql: String) async throws -> Int {
        try await store.withRows(PostgresQuery(unsafeSQL: sql)) { rows in
            for try await value in rows.decode(Int.self) { return value }
            return 0
        }
    }

    // MARK: - Claiming a delivery

    /// A claim in flight (its row locked by another transaction) refuses a second claimer
    /// at once, rather than make it wait and run the hook a second time.
    @Test func aDeliveryBeingClaimedIsRefusedToAnotherStoreAtOnce() async throws {
        let (first, second) = try await Self.twoStores()
        let id = try await Self.oneDelivery(first)
        let refused: Bool = try await first.transaction { connection in
            try await connection.query(
                "SELECT id FROM deliveries WHERE id = \(id) FOR UPDATE", logger: TestPostgres.logger)
            do {
                _ = try await second.beginAttempt(deliveryID: id, startedAt: 201)
                return false
            } catch let error as OutboxError {
                return error == .unknownDelivery(id: id)
            }
        }
        #expect(refused)
        // Released: it is claimed, and by the store that did.
        #expect(try await second.beginAttempt(deliveryID: id, startedAt: 202).attempt == 1)
        #expect(try await Self.count(first, "SELECT COUNT(*) FROM hook_runs") == 1)
    }

    /// Two daemons begin the same delivery at once: the one holding the lease gets it, the
    /// other is refused (it is no leader), and one attempt is recorded.
    @Test func ofTwoDaemonsRacingForADeliveryExactlyOneWins() async throws {
        let (leader, standby) = try await Self.twoStores(instances: true)
        let leaderID = try #require(leader.instance?.id)
        try await leader.execute(
            unsafeSQL: """
                INSERT INTO leader_lease (holder, host, pid, term, acquired_at, renewed_at, expires_at)
                VALUES ('\(leaderID)', 'one', 1, 1, now(), now(), now() + interval '1 hour')
                """)
        let id = try await Self.oneDelivery(leader)
        async let byLeader = Self.outcome { try await leader.beginAttempt(deliveryID: id, startedAt: 201) }
        async let byStandby = Self.outcome { try await standby.beginAttempt(deliveryID: id, startedAt: 201) }
        let (won, lost) = await (byLeader, byStandby)
        #expect(won == "attempt 1")
        #expect(lost == "\(StoreError.notLeader(path: standby.displayName))")
        #expect(try await Self.count(leader, "SELECT COUNT(*) FROM hook_runs") == 1)
        #expect(
            try await Self.count(leader, "SELECT COUNT(*) FROM deliveries WHERE claimed_by = '\(leaderID)'")
                == 1)
    }

    /// Two stores that nothing fences (commands) begin the same deliveries at once, many
    /// times: each call wins or is refused, and the attempts recorded are numbered 1, 2, …
    /// without a gap or a repeat, as many as the calls that won.
    @Test func racingClaimsNeverNumberTwoAttemptsAlike() async throws {
        let (first, second) = try await Self.twoStores()
        _ = try await first.recordCycle(CycleRecord(observedAt: 100), rule: Self.rule)
        var cycle = CycleRecord(observedAt: 200, jobs: (1...10).map { S.job("ftjob-\($0)", "succeeded") })
        cycle.hooks = [Self.everyStatus]
        _ = try await first.recordCycle(cycle, rule: Self.rule)
        let deliveries = try await first.pendingDeliveries().map(\.id)
        #expect(deliveries.count == 10)
        for id in deliveries {
            let outcomes = await withTaskGroup(of: String.self) { group in
                for store in [first, second, first, second] {
                    group.addTask {
                        await Self.outcome { try await store.beginAttempt(deliveryID: id, startedAt: 201) }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let won = outcomes.filter { $0.hasPrefix("attempt") }
            #expect(!won.isEmpty)
            #expect(
                outcomes.allSatisfy {
                    $0.hasPrefix("attempt") || $0 == "\(OutboxError.unknownDelivery(id: id))"
                })
            #expect(won.sorted() == (1...won.count).map { "attempt \($0)" })
            #expect(
                try await Self.count(first, "SELECT attempts FROM deliveries WHERE id = '\(id)'") == won.count
            )
        }
    }

    static func outcome(_ begin: () async throws -> (runID: Int64, attempt: Int)) async -> String {
        do { return "attempt \(try await begin().attempt)" } catch { return "\(error)" }
    }

    // MARK: - A cycle is all or nothing

    /// A cycle that fails after its jobs, transitions, deliveries, events and steps were
    /// written (here its checkpoints are refused) leaves the store as the previous cycle
    /// left it.
    @Test func aCycleWhoseTransactionFailsLeavesNothing() async throws {
        let (store, _) = try await Self.twoStores()
        _ = try await store.recordCycle(
            CycleRecord(observedAt: 100, jobs: [S.job("ftjob-old", "running")]), rule: Self.rule)
        try await store.execute(
            unsafeSQL: """
                CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'refused by the test'; END $$
                """)
        try await store.execute(
            unsafeSQL:
                "CREATE TRIGGER refuse BEFORE INSERT ON checkpoints FOR EACH ROW EXECUTE FUNCTION refuse()")
        var cycle = CycleRecord(
            observedAt: 200, jobs: [S.job("ftjob-old", "succeeded"), S.job("ftjob-new", "running")])
        cycle.hooks = [Self.everyStatus]
        cycle.events["ftjob-new"] = [S.event("ev-1", job: "ftjob-new", at: 150)]
        cycle.steps = [LossStep(jobID: "ftjob-new", step: 1, trainLoss: 1)]
        cycle.checkpoints = [Checkpoint(id: "ftckpt-1", jobID: "ftjob-new", stepNumber: 1)]
        cycle.eventResumeCursors["ftjob-new"] = "ev-1"
        cycle.finalSyncCompleted = ["ftjob-old"]
        await #expect(throws: StoreError.self) { try await store.recordCycle(cycle, rule: Self.rule) }

        #expect(
            try await store.knownJobs(ids: ["ftjob-old", "ftjob-new"]).mapValues(\.status) == [
                "ftjob-old": "running"
            ])
        #expect(try await store.pendingDeliveryCount() == 0)
        #expect(
            try await store.eventResumeCursor(job: JobKey(account: DefaultAccount.name, id: "ftjob-new"))
                == nil)
        for table in ["transitions WHERE NOT is_baseline", "events", "steps", "step_summaries", "deliveries"]
        {
            #expect(try await Self.count(store, "SELECT COUNT(*) FROM \(table)") == 0, "\(table)")
        }
        // And the next cycle, the store willing, records it all.
        try await store.execute(unsafeSQL: "DROP TRIGGER refuse ON checkpoints")
        #expect(try await store.recordCycle(cycle, rule: Self.rule).transitions.count == 2)
        #expect(try await store.pendingDeliveryCount() == 2)
    }

    // MARK: - Migrations

    /// Daemons starting together on an empty schema: each waits for the first one's
    /// migration (an advisory lock), then finds nothing to do.
    @Test func storesOpeningAFreshSchemaAtOnceMigrateItOnce() async throws {
        let server = try TestPostgres.required()
        let schema = try await server.freshSchema()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 { group.addTask { try await server.open(schema: schema) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 4)
        let store = try #require(stores.first)
        #expect(
            try await Self.count(store, "SELECT COUNT(*) FROM ftd_migrations")
                == PostgresSchema.migrations.count)
        // Every one of them works on the same tables.
        for (index, store) in stores.enumerated() {
            _ = try await store.recordCycle(
                CycleRecord(observedAt: 100 + Int64(index), jobs: [S.job("ftjob-\(index)", "running")]),
                rule: Self.rule)
        }
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM jobs") == 4)
    }

    // MARK: - Many rows at once

    /// A first sync's cycle of 10,000 events with their steps, then the same events again
    /// with 5,000 newer ones (more than one statement holds): each event and step is stored
    /// once, in the order they happened, and the steps' summary counts them.
    @Test func aCycleOfTenThousandEventsStoresEachOnce() async throws {
        let (store, _) = try await Self.twoStores()
        let job = "ftjob-big"
        func events(_ range: ClosedRange<Int>) -> [JobEvent] {
            // The API's order: newest first.
            range.reversed().map { number in
                JobEvent(
                    id: "ftevent-\(number)", jobID: job, createdAt: 1_000 + Int64(number / 10), level: "info",
                    type: "metrics", message: "Step \(number)/20000: training loss=\(Double(number) / 1000)",
                    data: .object(["step": .int(Int64(number))]))
            }
        }
        func steps(_ range: ClosedRange<Int>) -> [LossStep] {
            range.map { LossStep(jobID: job, step: $0, totalSteps: 20_000, trainLoss: Double($0) / 1000) }
        }
        var first = CycleRecord(observedAt: 100, jobs: [S.job(job, "running")])
        first.events[job] = events(1...10_000)
        first.steps = steps(1...10_000)
        _ = try await store.recordCycle(first, rule: Self.rule)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM events") == 10_000)

        var second = CycleRecord(observedAt: 200, jobs: [S.job(job, "running")])
        second.events[job] = events(1...15_000)
        second.steps = steps(1...15_000) + [LossStep(jobID: job, step: 15_000, validLoss: 2)]
        _ = try await store.recordCycle(second, rule: Self.rule)

        #expect(try await Self.count(store, "SELECT COUNT(*) FROM events") == 15_000)
        #expect(try await Self.count(store, "SELECT COUNT(DISTINCT id) FROM events") == 15_000)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM steps") == 15_000)
        // Oldest first: `seq` follows the steps.
        #expect(
            try await Self.count(
                store,
                """
                SELECT COUNT(*) FROM (
                    SELECT id, row_number() OVER (ORDER BY seq) AS n FROM events) e
                WHERE e.id <> ('ftevent-' || e.n)
                """) == 0)
        let summary = try await store.withRows(
            "SELECT step_count, last_step, last_train_loss FROM step_summaries WHERE job_id = \(job)"
        ) { rows -> (Int, Int, Double?)? in
            for try await row in rows.decode((Int, Int, Double?).self) { return row }
            return nil
        }
        #expect(summary?.0 == 15_000)
        #expect(summary?.1 == 15_000)
        #expect(summary?.2 == 15)
        // The step the cycle brought twice kept what each said.
        #expect(
            try await Self.count(store, "SELECT COUNT(*) FROM steps WHERE step = 15000 AND valid_loss = 2")
                == 1)
    }
}

extension PostgresStoreConcurrencyTests {
    /// A store a daemon already uses is refused by `ftd migrate` even before its first job,
    /// and the refusal says what the store holds (not "0 jobs").
    @Test func migrateRefusesAStoreWhoseAccountADaemonPolledAndSaysSo() async throws {
        let server = try TestPostgres.required()
        let store = try await server.open(schema: try await server.freshSchema())
        defer { store.close() }
        try await store.execute(
            unsafeSQL: "INSERT INTO accounts (name, baseline_completed_at) VALUES ('default', 1)")
        let error = await #expect(throws: PostgresStore.ImportError.self) {
            _ = try await store.importHistory(from: try AppDatabase.inMemory())
        }
        #expect(error == .notEmpty(store: store.displayName, jobs: 0, accounts: 1))
        #expect(error?.description.contains("(no job yet, but 1 account(s) a daemon has polled)") == true)
    }
}

extension PostgresStoreConcurrencyTests {
    /// What fails in a cancelled task (PostgresNIO's cancelled pool request, when the
    /// server is gone) ends as the cancellation it is: a leader that lost its lease cancels
    /// its cycle, and must not log that as a failed cycle.
    @Test func whatFailsInACancelledTaskIsTheCancellation() async throws {
        struct Cancelled: Error {}
        let server = try TestPostgres.required()
        let store = try await server.open(schema: try await server.freshSchema())
        defer { store.close() }
        await #expect(throws: Cancelled.self) { try await store.mappingErrors { throw Cancelled() } }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await store.mappingErrors { throw Cancelled() }
        }
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        // ftd's own errors stay what they are, cancelled or not: a refused write must still
        // tell the lease keeper.
        let refused = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await store.mappingErrors { throw StoreError.notLeader(path: "x") }
        }
        let refusal = await refused.result
        #expect(throws: StoreError.notLeader(path: "x")) { try refusal.get() }
    }
}
