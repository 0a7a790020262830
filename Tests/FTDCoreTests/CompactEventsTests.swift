import Foundation
import GRDB
import Testing

@testable import FTDModel
@testable import FTDStore

/// `MetricsEventText` says a `metrics` event's text again from its step, as the API
/// spells it.
@Suite struct MetricsEventTextTests {
    @Test func theFixturesMetricsEventsAreSaidAgainByteForByte() throws {
        let page = try ListPage.events(body: Fixtures.data("events-list-metrics.json"), jobID: "ftjob-m")
        let metrics = page.data.filter { $0.type == "metrics" }
        #expect(metrics.count == 2)
        for event in metrics {
            let step = try #require(StepParser.step(from: event))
            let said = try #require(MetricsEventText.say(step))
            #expect(String(decoding: said.message, as: UTF8.self) == event.message)
            #expect(said.data == event.data?.encodedUTF8)
        }
    }

    @Test func whatTheStepCannotSayIsNotSaid() {
        let step = LossStep(jobID: "j", step: 3, totalSteps: 10, trainLoss: 0.5)
        #expect(MetricsEventText.say(step) != nil)
        var noTotal = step
        noTotal.totalSteps = nil
        #expect(MetricsEventText.say(noTotal) == nil)
        var noLoss = step
        noLoss.trainLoss = nil
        #expect(MetricsEventText.say(noLoss) == nil)
        for value in [Double.nan, .infinity, -.infinity, 1e15] {
            var odd = step
            odd.validLoss = value
            #expect(MetricsEventText.say(odd) == nil, "\(value)")
        }
        #expect(MetricsEventText.say(step, version: 2) == nil, "an unknown spelling says nothing")
    }

    /// SQLite gives -0.0 back as 0: the text is said from 0, so an event that said `-0`
    /// is stored with its own text.
    @Test func negativeZeroIsSaidAsSQLiteGivesItBack() throws {
        let step = LossStep(jobID: "j", step: 1, totalSteps: 2, trainLoss: -0.0)
        let said = try #require(MetricsEventText.say(step))
        #expect(String(decoding: said.message, as: UTF8.self) == "Step 1/2: training loss=0.00")
        #expect(String(decoding: said.data, as: UTF8.self) == #"{"step":1,"total_steps":2,"train_loss":0}"#)
    }

    /// Two decimals as `%.2f` writes them, for the losses and accuracies a job reports:
    /// where they differed, events would keep their text and take room.
    @Test func twoDecimalsAgreeWithPrintf() {
        var generator = SystemRandomNumberGenerator()
        var differ: [Double] = []
        var values: [Double] = [0, 0.005, 0.015, 0.125, 0.135, 1, 2.675, 99.995, 1234.5678, -0.004, -1.005]
        for _ in 0..<20_000 { values.append(Double.random(in: 0..<12, using: &generator)) }
        for value in values {
            var bytes: [UInt8] = []
            #expect(MetricsEventText.appendTwoDecimals(value, to: &bytes))
            if String(decoding: bytes, as: UTF8.self) != String(format: "%.2f", value) {
                differ.append(value)
            }
        }
        #expect(differ.count * 1000 <= values.count, "\(differ.prefix(10))")
    }
}

/// A `metrics` event is stored without its text when its step says it byte for byte, and
/// every event reads back exactly as it came (migration v12).
@Suite struct CompactEventsTests {
    typealias S = StoreSample

    static func metrics(
        _ id: String, step: Int, loss: Double, at time: Int64, job: String = "ftjob-a",
        message: String? = nil, extra: JSONObject = [:]
    ) -> JobEvent {
        var data: JSONObject = [
            "step": .int(Int64(step)), "train_loss": .double(loss), "total_steps": .int(100),
            "train_mean_token_accuracy": .double(0.75),
        ]
        data.merge(extra) { $1 }
        let text = String(format: "%.2f", loss)
        return JobEvent(
            id: id, jobID: job, createdAt: time, level: "info", type: "metrics",
            message: message ?? "Step \(step)/100: training loss=\(text)", data: .object(data))
    }

    /// `event` as a store that keeps every text gives it back: its `data` read from the
    /// JSON it was stored as (keys sorted, `2.0` read as `2`).
    static func stored(_ event: JobEvent) -> JobEvent {
        var event = event
        event.data = event.data.flatMap { try? JSONValue.parse(Data($0.encodedUTF8)) }
        return event
    }

    static func record(_ events: [JobEvent], at time: Int64, into database: AppDatabase) throws {
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: time, jobs: [S.job("ftjob-a", "running")],
                events: ["ftjob-a": events.reversed()],
                steps: events.compactMap(StepParser.step(from:))))
    }

    /// Each stored event's id, and whether its text is stored.
    static func stored(_ database: AppDatabase) throws -> [String: Bool] {
        try database.writer.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, message IS NOT NULL FROM event_rows")
                    .map {
                        ($0[0] as String, $0[1] as Bool)
                    })
        }
    }

    @Test func anEventItsStepSaysIsStoredWithoutItsTextAndReadsBackTheSame() throws {
        let database = try AppDatabase.inMemory()
        let events = [
            S.event("ev-start", job: "ftjob-a", at: 10, "Fine-tuning job started"),
            Self.metrics("ev-1", step: 1, loss: 2.3456, at: 11),
            Self.metrics("ev-2", step: 2, loss: 1.875, at: 12),
        ]
        try Self.record(events, at: 100, into: database)
        #expect(try Self.stored(database) == ["ev-start": true, "ev-1": false, "ev-2": false])
        #expect(try database.jobDetail(id: "ftjob-a").events == events.map(Self.stored))
        #expect(
            try database.jobDetail(id: "ftjob-a", latestEvents: 2).events == events.suffix(2).map(Self.stored)
        )
    }

    @Test func anEventItsStepDoesNotSayKeepsItsText() throws {
        let database = try AppDatabase.inMemory()
        let events = [
            // Three decimals, a key the step has no column for, -0, an integer-valued loss
            // the API sent as a number with a fraction (said the same: stored without).
            Self.metrics("ev-1", step: 1, loss: 2.3456, at: 11, message: "Step 1/100: training loss=2.346"),
            Self.metrics("ev-2", step: 2, loss: 1.5, at: 12, extra: ["learning_rate": .double(0.1)]),
            Self.metrics("ev-3", step: 3, loss: -0.0, at: 13, message: "Step 3/100: training loss=-0.00"),
            Self.metrics("ev-4", step: 4, loss: 1.0, at: 14),
        ]
        try Self.record(events, at: 100, into: database)
        #expect(try Self.stored(database) == ["ev-1": true, "ev-2": true, "ev-3": true, "ev-4": false])
        #expect(try database.jobDetail(id: "ftjob-a").events == events.map(Self.stored))
    }

    @Test func twoEventsOfOneStepInACycleKeepTheirText() throws {
        let database = try AppDatabase.inMemory()
        let events = [
            Self.metrics("ev-1a", step: 1, loss: 2.5, at: 11),
            Self.metrics("ev-1b", step: 1, loss: 2.25, at: 12),
        ]
        try Self.record(events, at: 100, into: database)
        #expect(try Self.stored(database) == ["ev-1a": true, "ev-1b": true])
        #expect(try database.jobDetail(id: "ftjob-a").events == events.map(Self.stored))
    }

    /// A later event with other figures for a stored step changes the step: the event
    /// the step said first gets its text back, said from the step as it was.
    @Test func aStepThatChangesGivesItsEventsTheirTextFirst() throws {
        let database = try AppDatabase.inMemory()
        let first = Self.metrics("ev-1", step: 1, loss: 2.5, at: 11)
        let second = Self.metrics("ev-2", step: 2, loss: 2.0, at: 12)
        try Self.record([first, second], at: 100, into: database)
        #expect(try Self.stored(database) == ["ev-1": false, "ev-2": false])

        // The same event again changes nothing.
        try Self.record([first], at: 130, into: database)
        #expect(try Self.stored(database) == ["ev-1": false, "ev-2": false])

        let again = Self.metrics("ev-1-again", step: 1, loss: 2.4, at: 13)
        try Self.record([again], at: 160, into: database)
        #expect(try Self.stored(database) == ["ev-1": true, "ev-2": false, "ev-1-again": true])
        let detail = try database.jobDetail(id: "ftjob-a")
        #expect(detail.events == [first, second, again].map(Self.stored))
        #expect(detail.steps.first?.trainLoss == 2.4)
    }

    /// An event for a step stored by an earlier cycle keeps its text even when the figures
    /// are the same: which event the step says is decided when it is new.
    @Test func aLateEventOfAStoredStepKeepsItsText() throws {
        let database = try AppDatabase.inMemory()
        try Self.record([Self.metrics("ev-5", step: 5, loss: 1.0, at: 15)], at: 100, into: database)
        let late = Self.metrics("ev-3", step: 3, loss: 1.5, at: 13)
        let repeated = Self.metrics("ev-5b", step: 5, loss: 1.0, at: 16)
        try Self.record([late, repeated], at: 130, into: database)
        // Step 3 was not stored: its late event is said by it. Step 5 was.
        #expect(try Self.stored(database) == ["ev-5": false, "ev-3": false, "ev-5b": true])
        #expect(try database.jobDetail(id: "ftjob-a").events.map(\.message).count == 3)
        #expect(
            try database.jobDetail(id: "ftjob-a").events
                == [Self.metrics("ev-5", step: 5, loss: 1.0, at: 15), late, repeated].sorted {
                    $0.createdAt < $1.createdAt
                }.map(Self.stored))
    }

    @Test func theDashboardSearchFindsTheTextAStepSays() throws {
        let database = try AppDatabase.inMemory()
        try Self.record(
            [
                S.event("ev-start", job: "ftjob-a", at: 10, "Fine-tuning job started"),
                Self.metrics("ev-1", step: 1, loss: 2.3456, at: 11),
                Self.metrics("ev-2", step: 2, loss: 1.875, at: 12),
            ], at: 100, into: database)
        let job = JobKey(account: DefaultAccount.name, id: "ftjob-a")
        let found = try database.eventPage(EventPageQuery(job: job, search: "TRAINING LOSS=1.88"))
        #expect(found.total == 1)
        #expect(found.events.map(\.event.id) == ["ev-2"])
        #expect(try database.eventPage(EventPageQuery(job: job, search: "step")).total == 2)
        #expect(try database.eventPage(EventPageQuery(job: job, search: "started")).total == 1)
        let all = try database.eventPage(EventPageQuery(job: job, limit: 2))
        #expect(all.total == 3)
        #expect(
            all.events.map(\.event.message) == [
                "Step 2/100: training loss=1.88", "Step 1/100: training loss=2.35",
            ])
        let older = try database.eventPage(EventPageQuery(job: job, before: all.next, limit: 2))
        #expect(older.events.map(\.event.id) == ["ev-start"])
    }

    /// A row that names a spelling this ftd does not know, or whose step is gone, is
    /// reported, not read as some other text.
    @Test func anEventWhoseStepCannotSayItIsAnError() throws {
        let database = try AppDatabase.inMemory()
        try Self.record([Self.metrics("ev-1", step: 1, loss: 2.5, at: 11)], at: 100, into: database)
        try database.writer.write { db in try db.execute(sql: "UPDATE event_rows SET rendering = 99") }
        #expect(throws: (any Error).self) { try database.jobDetail(id: "ftjob-a") }
    }

    /// The seq counter goes on from the stored events', so that an event stored later in
    /// the same second sorts after the earlier ones.
    @Test func eventsOfOneSecondKeepTheirOrderAcrossCycles() throws {
        let database = try AppDatabase.inMemory()
        try Self.record([Self.metrics("ev-b", step: 1, loss: 2.5, at: 11)], at: 100, into: database)
        try Self.record([Self.metrics("ev-a", step: 2, loss: 2.0, at: 11)], at: 130, into: database)
        #expect(try database.jobDetail(id: "ftjob-a").events.map(\.id) == ["ev-b", "ev-a"])
        let seq = try database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'events_seq'")
        }
        #expect(seq == "2")
    }
}
