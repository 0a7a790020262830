import FTDConfig
import FTDEngine
import FTDModel
import FTDStore
import Foundation
import Testing

/// Alerts (SPEC section 10) where the steps come from somewhere other than the daemon's
/// own cycle, and a job that had finished by the baseline.
struct AlertReviewTests {
    static let thresholds = AlertThresholds(
        queuedAfter: 0, stalledAfter: 0, divergeRatio: 2, overfitPatience: 0)

    static func nanStep(_ step: Int) -> JSONValue {
        .object(["step": .int(Int64(step)), "train_loss": .string("nan")])
    }

    /// `ftd watch` (or `submit --watch`, or a webhook's sync) running beside the daemon
    /// reads a job's new events first: the daemon's next cycle then finds nothing new of it.
    /// The steps those commands stored must be judged all the same.
    @Test func stepsACommandRecordedAreJudgedThoughTheDaemonsCycleSeesNothingNew() async throws {
        let api = ScriptedAPI()
        await api.add(job: "ftjob-a", status: "running", createdAt: 100)
        let database = try AppDatabase.inMemory()
        let store = SQLiteStore(database)
        var cycle = PollCycle(api: api, store: store, logger: .quiet, now: { 1_000 })
        cycle.alerts = Self.thresholds
        _ = try await cycle.run()  // the baseline
        await api.emit("Step 1/10: training loss=nan", job: "ftjob-a", data: Self.nanStep(1))
        _ = try await cycle.syncJob(id: "ftjob-a")  // what `ftd watch` does every few seconds
        _ = try await cycle.run()  // the daemon's next cycle: no new event
        let alerts = try database.alerts(job: JobKey(account: DefaultAccount.name, id: "ftjob-a"))
        #expect(alerts.map(\.kind) == [.lossDiverged])
    }

    /// SPEC: "jobs that had finished by then are never judged", also when a failed request
    /// left the finished job's events to a cycle after the baseline.
    @Test func aJobFinishedBeforeTheBaselineIsNotJudgedWhenItsEventsArriveAfterIt() async throws {
        let api = ScriptedAPI()
        await api.add(job: "ftjob-old", status: "succeeded", createdAt: 50)
        await api.emit("Step 1/10: training loss=nan", job: "ftjob-old", data: Self.nanStep(1))
        await api.fail("ftjob-old/events")
        let database = try AppDatabase.inMemory()
        var cycle = PollCycle(api: api, store: SQLiteStore(database), logger: .quiet, now: { 1_000 })
        cycle.alerts = Self.thresholds
        _ = try await cycle.run()  // the baseline; the old job's events fail
        #expect(try database.baselineCompleted())
        let next = try await cycle.run()  // its final sync
        #expect(try database.jobDetail(id: "ftjob-old").steps.count == 1)
        #expect(next.alerts.isEmpty)
        #expect(try database.alerts(job: JobKey(account: DefaultAccount.name, id: "ftjob-old")).isEmpty)
    }
}

/// A hook's `on` and the alert namespace.
struct AlertHookOnReviewTests {
    /// `ALERT:stalled` is the typo `validateAlerts` exists for, not a status: without the
    /// check it was a hook that silently never fires.
    @Test(arguments: ["ALERT:stalled", "Alert:*"])
    func anAlertInAnotherCaseIsAConfigurationError(_ entry: String) {
        let toml = "[[hooks]]\nname = \"h\"\non = [\"\(entry)\"]\ncommand = \"true\"\n"
        let error = AlertConfigAndPayloadTests.error(toml).map { "\($0)" } ?? ""
        #expect(error.contains("hooks.h.on: unknown alert \"\(entry)\""), "\(error)")
    }

    /// A status the API sends as `alert:stalled` is a transition, not the alert: the hook
    /// that listens for the alert must not run with an empty `FTD_ALERT`.
    @Test func aStatusSpelledLikeAnAlertDoesNotFireTheAlertsHook() {
        let alerts = HookSettings(name: "a", on: ["alert:stalled", "alert:*"], command: .shell("true"))
        #expect(!alerts.fires(on: "alert:stalled"))
        #expect(!alerts.fires(on: "alert:*"))
        let every = HookSettings(name: "b", on: ["*"], command: .shell("true"))
        #expect(every.fires(on: "alert:stalled"))
    }
}

/// Times from the API against the daemon's clock.
struct AlertTimeReviewTests {
    /// A `created_at` in the future (up to the year 9999 is a plausible time) must not
    /// put `queued_too_long` and `stalled` off until then: the job was created by the time
    /// the daemon first saw it.
    @Test(arguments: ["queued", "running"])
    func aJobCreatedInTheFutureStillAlertsCountingFromWhenItWasFirstSeen(_ status: String) async throws {
        let api = ScriptedAPI()
        let database = try AppDatabase.inMemory()
        let clock = Locked<Int64>(1_000)
        var cycle = PollCycle(
            api: api, store: SQLiteStore(database), logger: .quiet, now: { clock.withLock { $0 } })
        cycle.alerts = AlertThresholds(queuedAfter: 60, stalledAfter: 60, divergeRatio: 0, overfitPatience: 0)
        _ = try await cycle.run()  // the baseline, empty
        await api.add(job: "ftjob-a", status: status, createdAt: 253_402_300_799)
        _ = try await cycle.run()
        clock.withLock { $0 = 1_100 }
        let report = try await cycle.run()
        #expect(report.alerts.map(\.kind) == [status == "queued" ? .queuedTooLong : .stalled])
    }
}
