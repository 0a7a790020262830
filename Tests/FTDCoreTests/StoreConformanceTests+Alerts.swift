import Foundation
import Testing

@testable import FTDConfig
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

/// Alerts in the store (SPEC section 10): judged in the cycle's transaction after the
/// baseline, stored once per (job, kind), delivered through the outbox like transitions.
extension StoreConformanceTests {
    static let onAlerts = HookSettings(name: "alerts", on: ["alert:*"], command: .shell("true"), retries: 0)
    static let onStalled = HookSettings(
        name: "stalled", on: ["alert:stalled"], command: .shell("true"), retries: 0)

    static func judged(_ at: Int64, _ jobs: [FineTuningJob], hooks: [HookSettings], alerts: AlertThresholds)
        -> CycleRecord
    {
        var record = cycle(at, jobs, hooks: hooks)
        record.alerts = alerts
        return record
    }

    @Test(arguments: StoreBackend.all)
    func aJobQueuedTooLongFiresOnceAfterTheBaselineAndReachesOnlyTheHooksThatListAlerts(
        _ backend: StoreBackend
    ) async throws {
        let (store, _) = try await backend.make()
        let thresholds = AlertThresholds(
            queuedAfter: 60, stalledAfter: 0, divergeRatio: 0, overfitPatience: 0)
        let hooks = [Self.everyStatus, Self.onAlerts, Self.onStalled]
        // The baseline judges nothing, though the job has been queued for long.
        let baseline = try await store.recordCycle(
            Self.judged(
                1_000, [S.job("ftjob-old", "queued", createdAt: 0)], hooks: hooks, alerts: thresholds),
            rule: Self.rule)
        #expect(baseline.alerts.isEmpty)
        // Active at the baseline: its waiting counts from it (1,000), so at 1,060 it has not
        // waited longer than 60 s, and at 1,061 it has.
        let atBoundary = try await store.recordCycle(
            Self.judged(
                1_060,
                [S.job("ftjob-old", "queued", createdAt: 0), S.job("ftjob-new", "queued", createdAt: 1_050)],
                hooks: hooks, alerts: thresholds),
            rule: Self.rule)
        #expect(atBoundary.alerts.isEmpty)
        let later = try await store.recordCycle(
            Self.judged(1_111, [], hooks: hooks, alerts: thresholds), rule: Self.rule)
        #expect(later.alerts.map(\.jobID) == ["ftjob-new", "ftjob-old"])
        #expect(later.alerts.allSatisfy { $0.kind == .queuedTooLong && $0.observedAt == 1_111 })
        // Once per (job, kind).
        let again = try await store.recordCycle(
            Self.judged(5_000, [], hooks: hooks, alerts: thresholds), rule: Self.rule)
        #expect(again.alerts.isEmpty)

        let pending = try await store.pendingDeliveries()
        let alertDeliveries = pending.filter { $0.alert != nil }
        // `alert:*` hears it; `*` (every transition) and `alert:stalled` do not.
        #expect(Set(alertDeliveries.map(\.hook)) == ["alerts"])
        #expect(alertDeliveries.map(\.transition.jobID) == ["ftjob-new", "ftjob-old"])
        let delivery = try #require(alertDeliveries.first)
        #expect(delivery.transition.from == nil)
        #expect(delivery.transition.to == "queued")
        #expect(delivery.alert?.kind == .queuedTooLong)
        #expect(delivery.job.id == "ftjob-new")
        // The transition of the new job came first, in the outbox's order.
        #expect(pending.map(\.hook).prefix(1) == ["every"])

        let stored = try await store.alerts(job: JobKey(account: DefaultAccount.name, id: "ftjob-old"))
        #expect(stored.map(\.kind) == [.queuedTooLong])
        #expect(stored.first?.detail.isEmpty == false)
        #expect(try await store.recentAlerts(limit: 1).map(\.jobID) == ["ftjob-old"])
        let detail = try await store.jobDetail(
            job: JobKey(account: DefaultAccount.name, id: "ftjob-new"), latestEvents: nil)
        #expect(detail.alerts.map(\.kind) == [.queuedTooLong])
    }

    @Test(arguments: StoreBackend.all)
    func withoutThresholdsOrBeforeTheBaselineNothingIsJudged(_ backend: StoreBackend) async throws {
        let (store, _) = try await backend.make()
        let thresholds = AlertThresholds(queuedAfter: 1)
        var first = Self.judged(
            100, [S.job("ftjob-a", "queued", createdAt: 0)], hooks: [], alerts: thresholds)
        first.completesBaseline = false  // a workflow command's look: no baseline yet
        #expect(try await store.recordCycle(first, rule: Self.rule).alerts.isEmpty)
        // A record without thresholds (a workflow command after the baseline) judges none.
        _ = try await store.recordCycle(Self.cycle(200, []), rule: Self.rule)
        #expect(try await store.recordCycle(Self.cycle(10_000, []), rule: Self.rule).alerts.isEmpty)
        #expect(
            try await store.recordCycle(
                Self.judged(10_000, [], hooks: [], alerts: thresholds), rule: Self.rule
            )
            .alerts.map(\.kind) == [.queuedTooLong])
    }

    @Test(arguments: StoreBackend.all)
    func aNaNLossIsStoredAsSuchAndDivergesTheJob(_ backend: StoreBackend) async throws {
        let (store, reopen) = try await backend.make()
        let thresholds = AlertThresholds(queuedAfter: 0, stalledAfter: 0, divergeRatio: 2, overfitPatience: 0)
        _ = try await store.recordCycle(
            Self.judged(100, [S.job("ftjob-x", "running")], hooks: [Self.onAlerts], alerts: thresholds),
            rule: Self.rule)
        var steps = Self.judged(
            110, [S.job("ftjob-x", "running")], hooks: [Self.onAlerts], alerts: thresholds)
        steps.steps = [
            LossStep(jobID: "ftjob-x", step: 1, totalSteps: 10, trainLoss: 1.2),
            LossStep(jobID: "ftjob-x", step: 2, totalSteps: 10, trainLoss: .nan, validLoss: -.infinity),
        ]
        let recorded = try await store.recordCycle(steps, rule: Self.rule)
        #expect(recorded.alerts.map(\.kind) == [.lossDiverged])
        #expect(recorded.alerts.first?.step == 2)
        for store in [store, try await reopen()] {
            let stored = try await store.steps(job: JobKey(account: DefaultAccount.name, id: "ftjob-x"))
            #expect(stored.count == 2)
            #expect(stored.last?.trainLoss?.isNaN == true)
            #expect(stored.last?.validLoss == -.infinity)
            #expect(stored.first?.trainLoss == 1.2)
        }
        // Strict JSON: a non-finite loss is null.
        let detail = try await store.jobDetail(
            job: JobKey(account: DefaultAccount.name, id: "ftjob-x"), latestEvents: nil)
        let json = HistoryJSON.detail(detail, prices: PriceBook()).rendered(pretty: false)
        #expect(json.contains("\"train_loss\":null"))
        let stepsStart = try #require(json.range(of: "\"steps\":[")).lowerBound
        let stepsEnd = try #require(json.range(of: "\"checkpoints\":")).lowerBound
        let stepsJSON = json[stepsStart..<stepsEnd].lowercased()
        #expect(!stepsJSON.contains("nan"), "\(stepsJSON)")
        #expect(!stepsJSON.contains("inf"), "\(stepsJSON)")
        #expect(json.contains("\"alerts\":[{"))
    }

    @Test(arguments: StoreBackend.all)
    func aJobActiveAtTheBaselineIsJudgedOnlyOnStepsAfterIt(_ backend: StoreBackend) async throws {
        let (store, _) = try await backend.make()
        let thresholds = AlertThresholds(queuedAfter: 0, stalledAfter: 0, divergeRatio: 2, overfitPatience: 0)
        var baseline = Self.judged(100, [S.job("ftjob-x", "running")], hooks: [], alerts: thresholds)
        baseline.steps = [LossStep(jobID: "ftjob-x", step: 1, trainLoss: .nan)]
        _ = try await store.recordCycle(baseline, rule: Self.rule)
        var next = Self.judged(110, [S.job("ftjob-x", "running")], hooks: [], alerts: thresholds)
        next.steps = [LossStep(jobID: "ftjob-x", step: 2, trainLoss: 0.9)]
        #expect(try await store.recordCycle(next, rule: Self.rule).alerts.isEmpty)
        next.steps = [LossStep(jobID: "ftjob-x", step: 3, trainLoss: .infinity)]
        #expect(try await store.recordCycle(next, rule: Self.rule).alerts.map(\.kind) == [.lossDiverged])
    }
}
