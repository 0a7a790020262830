import Foundation
import GRDB
import Testing

@testable import FTDModel
@testable import FTDStore

/// Hostile cycles against the compact events of migration v12: whatever the API sends,
/// every event reads back as a store that keeps every text gives it back.
@Suite struct CompactEventsAttackTests {
    typealias S = StoreSample
    typealias C = CompactEventsTests

    /// A deterministic generator, so that a failing seed can be run again.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let losses: [Double] = [
        2.5, 2.345, 1.0, -0.0, 0, 1e300, .leastNonzeroMagnitude, 1.5, 0.125, 12, 0.005, -3.25,
    ]

    /// A `metrics` event (or, at times, a message-only one) with figures, spellings and
    /// keys the store must not lose.
    static func randomEvent(id: String, at time: Int64, _ random: inout SplitMix) -> JobEvent {
        let step = Int.random(in: 1...5, using: &random)
        let total: Int? = [100, 100, 100, 0, -1, nil].randomElement(using: &random)!
        let loss = losses.randomElement(using: &random)!
        let valid: Double? = Bool.random(using: &random) ? losses.randomElement(using: &random)! : nil
        var message =
            "Step \(step)/\(total.map(String.init) ?? "?"): training loss=" + String(format: "%.2f", loss)
        if let valid { message += ", validation loss=" + String(format: "%.2f", valid) }
        switch Int.random(in: 0..<10, using: &random) {
        case 0: message = message.replacingOccurrences(of: "Step", with: "step")
        case 1: message += " "
        default: break
        }
        if Int.random(in: 0..<8, using: &random) == 0 {
            return JobEvent(
                id: id, jobID: "ftjob-a", createdAt: time, level: "info", type: "message", message: message)
        }
        var data: JSONObject = ["train_loss": .double(loss)]
        switch Int.random(in: 0..<12, using: &random) {
        case 0: data["step"] = .double(Double(step))
        case 1: data["step"] = .double(Double(step) + 0.5)
        case 2: data["step"] = .string(String(step))
        case 3: data["step"] = .int(Int64.max)
        case 4: data["step"] = .int(-Int64(step))
        default: data["step"] = .int(Int64(step))
        }
        if let total { data["total_steps"] = .int(Int64(total)) }
        if let valid { data["valid_loss"] = .double(valid) }
        switch Int.random(in: 0..<12, using: &random) {
        case 0: data["train_loss"] = .int(2)
        case 1: data["train_loss"] = .string("NaN")
        case 2: data["learning_rate"] = .double(0.1)
        case 3: data["train_mean_token_accuracy"] = .double(0.75)
        case 4: data["valid_mean_token_accuracy"] = .string("nan")
        case 5: data["full_valid_loss"] = .double(loss)
        default: break
        }
        return JobEvent(
            id: id, jobID: "ftjob-a", createdAt: time, level: Bool.random(using: &random) ? "info" : "warn",
            type: "metrics", message: message, data: .object(data))
    }

    /// Cycles of random events (ids sent again with other figures, steps the cycle
    /// brings without an event, events whose step the cycle leaves out): the job's
    /// events, its dashboard pages and searches read as a store of every text.
    @Test(arguments: 0..<40)
    func randomCyclesReadBackAsSent(seed: Int) throws {
        var random = SplitMix(state: UInt64(seed) &* 7919)
        let database = try AppDatabase.inMemory()
        var expected: [(event: JobEvent, order: Int)] = []
        var stored: Set<String> = []
        var order = 0
        var nextID = 0
        for cycle in 0..<6 {
            var events: [JobEvent] = []
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let id: String
                if nextID > 0, Int.random(in: 0..<5, using: &random) == 0 {
                    id = "ev-\(Int.random(in: 0..<nextID, using: &random))"
                } else {
                    id = "ev-\(nextID)"
                    nextID += 1
                }
                events.append(Self.randomEvent(id: id, at: Int64.random(in: 1...12, using: &random), &random))
            }
            var steps = events.compactMap(StepParser.step(from:))
            if !steps.isEmpty, Int.random(in: 0..<4, using: &random) == 0 {
                steps.remove(at: Int.random(in: 0..<steps.count, using: &random))
            }
            if Int.random(in: 0..<4, using: &random) == 0 {
                steps.append(
                    LossStep(
                        jobID: "ftjob-a", step: Int.random(in: 1...5, using: &random), totalSteps: 100,
                        trainLoss: Self.losses.randomElement(using: &random)!))
            }
            _ = try database.record(
                cycle: CycleRecord(
                    observedAt: 100 + Int64(cycle), jobs: [S.job("ftjob-a", "running")],
                    events: ["ftjob-a": events.reversed()], steps: steps))
            for event in events where stored.insert(event.id).inserted {
                expected.append((event, order))
                order += 1
            }
            let want = expected.sorted { ($0.event.createdAt, $0.order) < ($1.event.createdAt, $1.order) }
                .map { C.stored($0.event) }
            let detail = try database.jobDetail(id: "ftjob-a")
            #expect(detail.events == want, "seed \(seed), cycle \(cycle)")
            let job = JobKey(account: DefaultAccount.name, id: "ftjob-a")
            let page = try database.eventPage(EventPageQuery(job: job, limit: 1000))
            #expect(page.events.map(\.event) == want.reversed(), "seed \(seed), cycle \(cycle)")
            for search in ["loss=2.5", "STEP 3/", "0.00", "validation", "1000000"] {
                let found = try database.eventPage(EventPageQuery(job: job, search: search, limit: 1000))
                let matching = want.filter { $0.message.lowercased().contains(search.lowercased()) }
                #expect(found.total == matching.count, "seed \(seed), cycle \(cycle), \(search)")
                #expect(
                    found.events.map(\.event) == matching.reversed(),
                    "seed \(seed), cycle \(cycle), \(search)")
            }
            let warnings = try database.eventPage(EventPageQuery(job: job, level: "warn", limit: 1000))
            #expect(warnings.events.map(\.event) == want.filter { $0.level == "warn" }.reversed())
        }
    }

    /// Two jobs whose ids are canonically equivalent (the same to Swift's `==`, other
    /// bytes to SQLite) are two jobs: each keeps its own steps and events. A cache of job
    /// keys by `String` stored the second job's step under the first one's key.
    @Test func jobsWhoseIDsSwiftCallsEqualKeepTheirOwnSteps() throws {
        let composed = "ftjob-\u{E9}"
        let decomposed = "ftjob-e\u{301}"
        #expect(composed == decomposed && !composed.utf8.elementsEqual(decomposed.utf8))
        let database = try AppDatabase.inMemory()
        let event = C.metrics("ev-1", step: 1, loss: 2, at: 11, job: decomposed)
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 100, jobs: [S.job(composed, "running"), S.job(decomposed, "running")],
                events: [decomposed: [event]],
                steps: [
                    LossStep(
                        jobID: decomposed, step: 1, totalSteps: 100, trainLoss: 2,
                        trainMeanTokenAccuracy: 0.75),
                    LossStep(jobID: composed, step: 1, totalSteps: 10, trainLoss: 1),
                ]))
        let rows = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT hex(job_id), train_loss FROM steps ORDER BY 1").map {
                "\($0[0] as String) \($0[1] as Double)"
            }
        }
        // `e` and U+0301, then `é`.
        #expect(rows == ["66746A6F622D65CC81 2.0", "66746A6F622DC3A9 1.0"])
        let detail = try database.jobDetail(job: JobKey(account: DefaultAccount.name, id: decomposed))
        #expect(detail.events == [C.stored(event)])
    }

    /// Stored steps that a cycle changes give their events their text in one scan of the
    /// job's events, not one per step: 20,000 changed steps of a job took 37 s.
    @Test func changedStepsSpellOutTheirEventsInOneScan() throws {
        let database = try AppDatabase.inMemory()
        let count = 500
        let first = (1...count).map { C.metrics("ev-\($0)", step: $0, loss: 2.5, at: Int64($0)) }
        try C.record(first, at: 100, into: database)
        let scans = Locked(0)
        try database.writer.write { db in
            db.trace { event in
                guard case .statement(let statement) = event,
                    statement.sql.contains("FROM event_rows WHERE job_key = ? AND rendering IS NOT NULL")
                else { return }
                scans.withLock { $0 += 1 }
            }
        }
        let changed = (1...count).map {
            LossStep(jobID: "ftjob-a", step: $0, totalSteps: 100, trainLoss: $0 % 2 == 0 ? 1.25 : nil)
        }
        _ = try database.record(
            cycle: CycleRecord(observedAt: 130, jobs: [S.job("ftjob-a", "running")], steps: changed))
        #expect(scans.withLock { $0 } == 1)
        #expect(try database.jobDetail(id: "ftjob-a").events == first.map(C.stored))
        let keptText = try database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event_rows WHERE message IS NOT NULL")
        }
        #expect(keptText == count / 2)
    }

    /// `v12-compact-events` on events a v11 store kept: an event whose step changed since,
    /// two of one step, one without a step row, data spelled with spaces or other key
    /// order, a step whose loss was NaN. Each reads back as v11 gave it.
    @Test func theMigrationKeepsEveryTextItsStepDoesNotSay() throws {
        let directory = try StoreSample.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ftd.sqlite3").path
        let queue = try DatabaseQueue(path: path)
        try AppDatabase.migrator.migrate(queue, upTo: "v11-loss-scans")
        let said = #"{"step":1,"total_steps":10,"train_loss":2.5}"#
        let events: [(id: String, message: String, data: String?)] = [
            ("ev-said", "Step 1/10: training loss=2.50", said),
            ("ev-again", "Step 1/10: training loss=2.50", said),
            ("ev-changed", "Step 2/10: training loss=2.50", #"{"step":2,"total_steps":10,"train_loss":2.5}"#),
            (
                "ev-spaces", "Step 3/10: training loss=2.50",
                #"{"step": 3, "total_steps": 10, "train_loss": 2.5}"#
            ),
            ("ev-order", "Step 4/10: training loss=2.50", #"{"total_steps":10,"step":4,"train_loss":2.5}"#),
            ("ev-no-row", "Step 5/10: training loss=2.50", #"{"step":5,"total_steps":10,"train_loss":2.5}"#),
            ("ev-nan", "Step 6/10: training loss=nan", #"{"step":6,"total_steps":10,"train_loss":"NaN"}"#),
            ("ev-text", "Fine-tuning job started", nil),
        ]
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO jobs (account, id, status, raw_json, first_seen_at, updated_at, final_sync_done)
                    VALUES ('default', 'ftjob-a', 'running', '{}', 10, 10, 0)
                    """)
            for (step, loss, nonFinite) in [
                (1, 2.5, nil), (2, 2.25, nil), (3, 2.5, nil), (4, 2.5, nil), (6, nil, "t"),
            ]
                as [(Int, Double?, String?)]
            {
                try db.execute(
                    sql: """
                        INSERT INTO steps (account, job_id, step, total_steps, train_loss, non_finite)
                        VALUES ('default', 'ftjob-a', ?, 10, ?, ?)
                        """, arguments: [step, loss, nonFinite])
            }
            for (index, event) in events.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO events (account, id, job_id, created_at, level, type, message, data_json)
                        VALUES ('default', ?, 'ftjob-a', ?, 'info', ?, ?, ?)
                        """,
                    arguments: [
                        event.id, 100 + index % 3, event.data == nil ? "message" : "metrics", event.message,
                        event.data,
                    ])
            }
        }
        let before = try queue.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT id, created_at, level, type, message, data_json FROM events ORDER BY created_at, seq"
            ).map { row in
                JobEvent(
                    id: row[0], jobID: "ftjob-a", createdAt: row[1], level: row[2], type: row[3],
                    message: row[4],
                    data: (row[5] as String?).flatMap { try? JSONValue.parse(Data($0.utf8)) })
            }
        }
        try queue.close()

        let upgraded = try AppDatabase.open(path: path, groupReadable: false, logger: StoreSample.logger)
        #expect(try upgraded.jobDetail(id: "ftjob-a").events == before)
        #expect(
            try C.stored(upgraded) == [
                "ev-said": false, "ev-again": false, "ev-changed": true, "ev-spaces": true, "ev-order": true,
                "ev-no-row": true, "ev-nan": true, "ev-text": true,
            ])
    }
}
