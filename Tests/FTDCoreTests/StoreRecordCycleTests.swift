import Foundation
import Testing

@testable import FTDModel
@testable import FTDStore

struct StoreRecordCycleTests {
    typealias S = StoreSample

    @Test func migrationsCreateTheSchema() throws {
        let database = try AppDatabase.inMemory()
        let tables = try database.writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
        }
        for table in [
            "jobs", "transitions", "events", "steps", "checkpoints", "meta", "event_rows", "step_rows",
        ] {
            #expect(tables.contains(table))
        }
        let applied = try database.writer.read { db in try AppDatabase.migrator.appliedIdentifiers(db) }
        #expect(applied == StoreSample.migrations)
        #expect(try database.baselineCompleted() == false)
    }

    @Test func firstCycleIsTheBaselineAndLaterOnesAreNot() throws {
        let database = try AppDatabase.inMemory()
        let first = try database.record(
            cycle: CycleRecord(
                observedAt: 100, jobs: [S.job("ftjob-a", "running"), S.job("ftjob-b", "succeeded")]))
        #expect(
            first == [
                Transition(jobID: "ftjob-a", from: nil, to: "running", observedAt: 100, isBaseline: true),
                Transition(jobID: "ftjob-b", from: nil, to: "succeeded", observedAt: 100, isBaseline: true),
            ])
        #expect(try database.baselineCompleted())

        let second = try database.record(
            cycle: CycleRecord(
                observedAt: 200,
                jobs: [
                    S.job("ftjob-c", "validating_files"), S.job("ftjob-a", "succeeded"),
                    S.job("ftjob-b", "succeeded"),
                ]))
        #expect(
            second == [
                Transition(
                    jobID: "ftjob-c", from: nil, to: "validating_files", observedAt: 200, isBaseline: false),
                Transition(
                    jobID: "ftjob-a", from: "running", to: "succeeded", observedAt: 200, isBaseline: false),
            ])
        let detail = try database.jobDetail(id: "ftjob-a")
        #expect(detail.transitions.map(\.to) == ["running", "succeeded"])
        #expect(detail.transitions.map(\.isBaseline) == [true, false])
    }

    @Test func anEmptyBaselineStillCounts() throws {
        let database = try AppDatabase.inMemory()
        #expect(try database.record(cycle: CycleRecord(observedAt: 1)).isEmpty)
        #expect(try database.baselineCompleted())
        let transitions = try database.record(
            cycle: CycleRecord(observedAt: 2, jobs: [S.job("ftjob-a", "queued")]))
        #expect(transitions.map(\.isBaseline) == [false])
    }

    static func fullCycle(at time: Int64) -> CycleRecord {
        CycleRecord(
            observedAt: time, jobs: [S.job("ftjob-a", "running")],
            events: [
                "ftjob-a": [
                    S.event("ev-2", job: "ftjob-a", at: 11), S.event("ev-1", job: "ftjob-a", at: 10),
                ]
            ],
            steps: [LossStep(jobID: "ftjob-a", step: 1, totalSteps: 10, trainLoss: 1.5)],
            checkpoints: [
                Checkpoint(
                    id: "ckpt-1", jobID: "ftjob-a", stepNumber: 1,
                    metrics: .object(["train_loss": .double(1.5)]))
            ])
    }

    @Test func recordingTheSameCycleTwiceAddsNothing() throws {
        let database = try AppDatabase.inMemory()
        _ = try database.record(cycle: Self.fullCycle(at: 100))
        let again = try database.record(cycle: Self.fullCycle(at: 160))
        #expect(again.isEmpty)
        let detail = try database.jobDetail(id: "ftjob-a")
        #expect(detail.transitions.count == 1)
        #expect(detail.events.map(\.id) == ["ev-1", "ev-2"])
        #expect(detail.checkpoints.map(\.id) == ["ckpt-1"])
        #expect(detail.steps.count == 1)
        let counts = try database.writer.read { db in
            try ["transitions", "events", "checkpoints", "steps"].map {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1
            }
        }
        #expect(counts == [1, 2, 1, 1])
    }

    @Test func eventsSharingASecondKeepTheOrderTheyHappenedIn() throws {
        let database = try AppDatabase.inMemory()
        let job = S.job("ftjob-a", "running")
        // Newest first, as the API pages them; all three in the same second.
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 100, jobs: [job],
                events: [
                    "ftjob-a": [
                        S.event("ev-c", job: "ftjob-a", at: 50), S.event("ev-b", job: "ftjob-a", at: 50),
                        S.event("ev-a", job: "ftjob-a", at: 49),
                    ]
                ]))
        // The next batch repeats the newest stored event, as paging stops on it.
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 130, jobs: [job],
                events: [
                    "ftjob-a": [
                        S.event("ev-e", job: "ftjob-a", at: 51), S.event("ev-d", job: "ftjob-a", at: 50),
                        S.event("ev-c", job: "ftjob-a", at: 50),
                    ]
                ]))
        let events = try database.jobDetail(id: "ftjob-a").events
        #expect(events.map(\.id) == ["ev-a", "ev-b", "ev-c", "ev-d", "ev-e"])
        #expect(
            try database.storedEventIDs(jobID: "ftjob-a", among: ["ev-a", "ev-x", "ev-e"]) == [
                "ev-a", "ev-e",
            ])
        #expect(try database.storedEventIDs(jobID: "ftjob-other", among: ["ev-a"]).isEmpty)
    }

    @Test func aStepSeenAgainMergesItsValues() throws {
        let database = try AppDatabase.inMemory()
        let job = S.job("ftjob-a", "running")
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 1, jobs: [job],
                steps: [
                    LossStep(
                        jobID: "ftjob-a", step: 5, totalSteps: 10, trainLoss: 0.5, trainMeanTokenAccuracy: 0.7
                    )
                ]))
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 2, jobs: [job],
                steps: [LossStep(jobID: "ftjob-a", step: 5, trainLoss: 0.45, validLoss: 0.6)]))
        let steps = try database.jobDetail(id: "ftjob-a").steps
        #expect(
            steps == [
                LossStep(
                    jobID: "ftjob-a", step: 5, totalSteps: 10, trainLoss: 0.45, trainMeanTokenAccuracy: 0.7,
                    validLoss: 0.6)
            ])
    }

    @Test func jobsNeedingSyncFollowsTheFinalSync() throws {
        let database = try AppDatabase.inMemory()
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 1,
                jobs: [
                    S.job("ftjob-run", "running"), S.job("ftjob-done", "succeeded"),
                    S.job("ftjob-paused", "paused"),
                ]))
        #expect(
            Set(try database.jobsNeedingSync().map(\.id)) == ["ftjob-run", "ftjob-done", "ftjob-paused"])

        _ = try database.record(cycle: CycleRecord(observedAt: 2, finalSyncCompleted: ["ftjob-done"]))
        #expect(Set(try database.jobsNeedingSync().map(\.id)) == ["ftjob-run", "ftjob-paused"])
        let known = try database.knownJobs(ids: ["ftjob-done", "ftjob-run", "ftjob-unknown"])
        #expect(
            known["ftjob-done"] == KnownJob(id: "ftjob-done", status: "succeeded", finalSyncDone: true))
        #expect(
            known["ftjob-run"] == KnownJob(id: "ftjob-run", status: "running", finalSyncDone: false))
        #expect(known["ftjob-unknown"] == nil)

        // Seen again unchanged, a synced job stays synced; a job that changes status, even
        // from one terminal status to another, needs syncing again (it never becomes
        // active again: `ObservationOrderTests`).
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 3, jobs: [S.job("ftjob-done", "succeeded"), S.job("ftjob-run", "failed")]))
        #expect(Set(try database.jobsNeedingSync().map(\.id)) == ["ftjob-run", "ftjob-paused"])
        _ = try database.record(cycle: CycleRecord(observedAt: 4, finalSyncCompleted: ["ftjob-run"]))
        _ = try database.record(
            cycle: CycleRecord(observedAt: 5, jobs: [S.job("ftjob-run", "cancelled")]))
        #expect(try database.knownJobs(ids: ["ftjob-run"])["ftjob-run"]?.needsSync == true)
    }

    @Test func theJobRowKeepsTheRawJSONAndTheFirstSighting() throws {
        let database = try AppDatabase.inMemory()
        _ = try database.record(cycle: CycleRecord(observedAt: 10, jobs: [S.job("ftjob-a", "running")]))
        _ = try database.record(
            cycle: CycleRecord(
                observedAt: 20, jobs: [S.job("ftjob-a", "succeeded", fineTunedModel: "ft:x")]))
        let row = try database.writer.read { db in
            try JobRecord.fetchOne(db, key: ["account": "default", "id": "ftjob-a"])
        }
        #expect(row?.firstSeenAt == 10)
        #expect(row?.updatedAt == 20)
        #expect(row?.fineTunedModel == "ft:x")
        #expect(row?.rawJSON == #"{"id":"ftjob-a","status":"succeeded"}"#)
    }

    @Test func rowsOfAnUnrecordedJobAreIgnoredNotFatal() throws {
        let database = try AppDatabase.inMemory()
        let transitions = try database.record(
            cycle: CycleRecord(
                observedAt: 1, jobs: [S.job("ftjob-a", "running")],
                events: ["ftjob-ghost": [S.event("ev-1", job: "ftjob-ghost", at: 1)]],
                steps: [LossStep(jobID: "ftjob-ghost", step: 1, trainLoss: 1)]))
        #expect(transitions.count == 1)
        #expect(try database.storedEventIDs(jobID: "ftjob-ghost", among: ["ev-1"]).isEmpty)
    }
}
