import Foundation
import Testing

@testable import FTDConfig
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// The loss kinds judged cycle after cycle from where the last judging stopped (issue 17):
/// the store finds what judging each whole curve finds, and a step that arrives below where
/// it stopped makes it judge the curve again.
extension StoreConformanceTests {
    static let lossOnly = AlertThresholds(
        queuedAfter: 0, stalledAfter: 0, divergeRatio: 2, overfitPatience: 3)

    /// Records `steps` of `job` in cycles of `batch`, after a baseline; the alerts they fired.
    static func recordInCycles(
        _ steps: [AlertStep], job: String, batch: Int, store: any PollStore, start: Int64 = 200
    ) async throws -> [JobAlert] {
        var alerts: [JobAlert] = []
        var time = start
        for part in stride(from: 0, to: steps.count, by: batch) {
            time += 10
            var record = Self.judged(
                time, [S.job(job, "running")], hooks: [Self.onAlerts], alerts: Self.lossOnly)
            record.steps = steps[part..<min(part + batch, steps.count)].map {
                LossStep(
                    jobID: job, step: $0.step, totalSteps: 500, trainLoss: $0.trainLoss,
                    validLoss: $0.validLoss)
            }
            alerts += try await store.recordCycle(record, rule: Self.rule).alerts
        }
        return alerts
    }

    @Test(arguments: StoreBackend.all)
    func judgedCycleByCycleTheLossKindsFireWhatTheWholeCurveFires(_ backend: StoreBackend) async throws {
        let (store, _) = try await backend.make()
        _ = try await store.recordCycle(
            Self.judged(100, [], hooks: [], alerts: Self.lossOnly), rule: Self.rule)
        let rising = AlertJudgeTests.sustainedRise(seed: 3)
        let overfit = AlertJudgeTests.overfit()
        let expected = [
            AlertJudge.judge(AlertJudgeTests.running(rising), now: 0, thresholds: Self.lossOnly),
            AlertJudge.judge(AlertJudgeTests.running(overfit), now: 0, thresholds: Self.lossOnly),
        ]
        #expect(expected.map { $0.map(\.kind) } == [[.lossDiverged], [.overfitting]])
        let fired = [
            try await Self.recordInCycles(rising, job: "ftjob-rise", batch: 7, store: store),
            try await Self.recordInCycles(overfit, job: "ftjob-overfit", batch: 25, store: store),
        ]
        for (alerts, findings) in zip(fired, expected) {
            #expect(alerts.map(\.kind) == findings.map(\.kind))
            // The detail names no checkpoint here (none stored), as the whole judge's does not.
            #expect(alerts.map(\.detail) == findings.map(\.detail))
        }
    }

    @Test(arguments: StoreBackend.all)
    func aStepArrivingBelowWhereTheJudgingStoppedIsJudged(_ backend: StoreBackend) async throws {
        let (store, _) = try await backend.make()
        _ = try await store.recordCycle(
            Self.judged(100, [], hooks: [], alerts: Self.lossOnly), rule: Self.rule)
        let healthy = AlertJudgeTests.healthy(seed: 5).prefix(100).filter { $0.step != 50 }
        #expect(try await Self.recordInCycles(healthy, job: "ftjob-late", batch: 20, store: store).isEmpty)
        // A late event brings step 50, with a NaN train loss: the judging that had stopped
        // at step 100 reads the curve again and sees it.
        var late = Self.judged(
            1_000, [S.job("ftjob-late", "running")], hooks: [Self.onAlerts], alerts: Self.lossOnly)
        late.steps = [LossStep(jobID: "ftjob-late", step: 50, totalSteps: 500, trainLoss: .nan)]
        let alerts = try await store.recordCycle(late, rule: Self.rule).alerts
        #expect(alerts.map(\.detail) == ["train loss is NaN at step 50"])
        let stored = try await store.steps(job: JobKey(account: DefaultAccount.name, id: "ftjob-late"))
        #expect(stored.count == 100)
        #expect(stored.first { $0.step == 50 }?.trainLoss?.isNaN == true)
    }
}

/// SQLite's own rows: a cycle goes on from where the last judging stopped and reads only
/// the steps it brought.
struct LossScansTableTests {
    @Test func eachCycleSavesWhereItStoppedAndTheNextGoesOnFromThere() async throws {
        let path = try StoreSample.temporaryDirectory().appendingPathComponent("ftd.sqlite3").path
        let database = try AppDatabase.open(path: path, groupReadable: false, logger: StoreSample.logger)
        let store = SQLiteStore(database)
        typealias T = StoreConformanceTests
        _ = try await store.recordCycle(T.judged(100, [], hooks: [], alerts: T.lossOnly), rule: T.rule)
        let steps = Array(AlertJudgeTests.healthy(seed: 5).prefix(60))
        let job = JobKey(account: DefaultAccount.name, id: "ftjob-scan")
        func saved() throws -> (step: Int, scans: LossScans)? {
            try database.writer.read { db in
                guard let step = try Int.fetchOne(db, sql: "SELECT last_step FROM loss_scans"),
                    let scans = try AppDatabase.lossScans(job, db)
                else { return nil }
                return (step, scans)
            }
        }
        _ = try await T.recordInCycles(Array(steps.prefix(30)), job: job.id, batch: 30, store: store)
        let first = try #require(try saved())
        #expect(first.step == 30 && first.scans.lastStep == 30)
        #expect(first.scans.diverged.counted == 30)
        let whole = try #require(
            AlertJudge.judgement(AlertJudgeTests.running(steps), now: 0, thresholds: T.lossOnly).scans)
        // Marked, to see that the next cycle goes on from the saved state rather than read
        // the curve again: 1,000 counted steps where there were 30.
        try await database.writer.write { db in
            try db.execute(
                sql: "UPDATE loss_scans SET state = replace(state, '\"counted\":30', '\"counted\":1000')")
        }
        #expect(try saved()?.scans.diverged.counted == 1_000)
        _ = try await T.recordInCycles(
            Array(steps.suffix(30)), job: job.id, batch: 30, store: store, start: 500)
        let second = try #require(try saved())
        #expect(second.step == 60)
        #expect(second.scans.diverged.counted == 1_030)
        var unmarked = second.scans
        unmarked.diverged.counted = 60
        #expect(unmarked == whole)
    }
}

/// Edges of the resumed judging the store must not lose.
extension LossScansTableTests {
    /// A step numbered Int.min (a broken or hostile server's event: `step` is any JSON
    /// integer) is part of the whole curve the first judging reads, as it was before the
    /// judging went on from saved scans.
    @Test func theWholeCurveHoldsAStepNumberedIntMin() async throws {
        let path = try StoreSample.temporaryDirectory().appendingPathComponent("ftd.sqlite3").path
        let store = SQLiteStore(
            try AppDatabase.open(path: path, groupReadable: false, logger: StoreSample.logger))
        typealias T = StoreConformanceTests
        _ = try await store.recordCycle(T.judged(100, [], hooks: [], alerts: T.lossOnly), rule: T.rule)
        let alerts = try await T.recordInCycles(
            [AlertStep(step: .min, trainLoss: .nan)], job: "ftjob-min", batch: 1, store: store)
        #expect(alerts.map(\.detail) == ["train loss is NaN at step \(Int.min)"])
    }

    /// The scans go through JSON between cycles: every double comes back to the bit, or
    /// judging in parts would drift from judging the whole curve.
    @Test func savedScansComeBackToTheBit() throws {
        let path = try StoreSample.temporaryDirectory().appendingPathComponent("ftd.sqlite3").path
        let database = try AppDatabase.open(path: path, groupReadable: false, logger: StoreSample.logger)
        var generator = SystemRandomNumberGenerator()
        let magnitudes: [Double] = [1e-300, .leastNonzeroMagnitude, 1e-8, 0.1, 1, 3, 1e15, 1.7e308]
        var steps: [AlertStep] = []
        for index in 1...400 {
            let scale = magnitudes[Int.random(in: 0..<magnitudes.count, using: &generator)]
            steps.append(
                AlertStep(
                    step: index, trainLoss: Double.random(in: 0.5...1, using: &generator) * scale,
                    validLoss: Double.random(in: 0.5...1, using: &generator) * scale))
        }
        let job = JobKey(account: DefaultAccount.name, id: "ftjob-bits")
        for cut in stride(from: 10, through: 400, by: 10) {
            let scans = try #require(
                AlertJudge.judgement(
                    AlertJudgeTests.running(Array(steps.prefix(cut))), now: 0,
                    thresholds: AlertThresholds(divergeRatio: 1e300, overfitPatience: 1_000)
                ).scans)
            let back = try database.writer.write { db in
                try AppDatabase.save(scans, job, db)
                return try AppDatabase.lossScans(job, db)
            }
            #expect(back == scans, "after \(cut) steps")
        }
    }
}
