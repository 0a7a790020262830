import FTDAPI
import FTDDaemon
import FTDEngine
import FTDModel
import FTDStore
import FTDTerminal
import Foundation
import Testing

/// `STATUS=`, `ftd status` and the outcome the daemon stores after each cycle.
@Suite struct DaemonStatusTests {
    let utc = TimeZone(identifier: "UTC")!
    // 2026-11-26 12:00:01 UTC
    let noon: Int64 = 1_795_694_401

    @Test func theStatusLineReadsLikeTheIssueSays() {
        let outcome = CycleOutcome(finishedAt: noon, result: .complete, requests: 3, nextCycleAt: noon + 30)
        #expect(
            StatusLine.text(activeJobs: 3, outcome: outcome, pendingDeliveries: 0, timeZone: utc)
                == "3 active jobs · last poll 12:00:01 · next 12:00:31 · 0 pending deliveries")
        #expect(
            StatusLine.text(activeJobs: 1, outcome: outcome, pendingDeliveries: 1, timeZone: utc)
                == "1 active job · last poll 12:00:01 · next 12:00:31 · 1 pending delivery")
    }

    @Test func anIncompleteOrFailedPollSaysSoBriefly() {
        let incomplete = CycleOutcome(
            finishedAt: noon, result: .incomplete, failedRequests: 2, nextCycleAt: noon + 30)
        #expect(
            StatusLine.text(activeJobs: 0, outcome: incomplete, pendingDeliveries: 0, timeZone: utc)
                == "0 active jobs · last poll 12:00:01 (2 requests failed) · next 12:00:31 · 0 pending deliveries"
        )
        let long = String(repeating: "x", count: 200)
        let failed = CycleOutcome(finishedAt: noon, result: .failed, error: "HTTP 503\n\(long)")
        #expect(
            StatusLine.text(activeJobs: 0, outcome: failed, pendingDeliveries: 0, timeZone: utc)
                == "0 active jobs · last poll 12:00:01 failed: HTTP 503 · 0 pending deliveries")
        let huge = CycleOutcome(finishedAt: noon, result: .failed, error: long)
        let line = StatusLine.text(activeJobs: 0, outcome: huge, pendingDeliveries: 0, timeZone: utc)
        #expect(line.contains("…") && line.count <= 80 + 70)
    }

    @Test func aCycleReportBecomesItsOutcome() {
        var report = CycleReport()
        report.recorded = true
        report.requests = 5
        #expect(CycleOutcome(report: report, finishedAt: 1, nextCycleAt: 2).result == .complete)
        report.failures = [APIError(kind: .http(status: 503), message: "busy", endpoint: "GET /x")]
        let incomplete = CycleOutcome(report: report, finishedAt: 1, nextCycleAt: 2)
        #expect(incomplete.result == .incomplete)
        #expect(incomplete.failedRequests == 1)
        #expect(incomplete.error?.contains("503") == true)
        report.recorded = false
        report.failures = [APIError(kind: .http(status: 401), message: "bad key", endpoint: "GET /x")]
        let rejected = CycleOutcome(report: report, finishedAt: 1, nextCycleAt: nil)
        #expect(rejected.result == .failed)
        #expect(rejected.error?.hasPrefix("the API rejected the credentials") == true)
    }

    @Test func theStoreKeepsTheLastCycleAndTheLastErrorApart() throws {
        let store = try AppDatabase.inMemory()
        #expect(try store.daemonStatus().lastCycle == nil)
        let failed = CycleOutcome(finishedAt: 10, result: .failed, error: "HTTP 500", nextCycleAt: 40)
        try store.recordCycleOutcome(failed)
        let complete = CycleOutcome(finishedAt: 40, result: .complete, requests: 1, nextCycleAt: 70)
        try store.recordCycleOutcome(complete)
        let status = try store.daemonStatus()
        #expect(status.lastCycle == complete)
        #expect(status.lastError == failed)
        #expect(status.pendingDeliveries == 0)

        _ = try store.record(
            cycle: CycleRecord(
                observedAt: 50,
                jobs: [
                    FineTuningJob(id: "ftjob-a", status: "running", createdAt: 1),
                    FineTuningJob(id: "ftjob-b", status: "succeeded", createdAt: 2),
                ]))
        #expect(try store.daemonStatus().activeJobs == 1)
        #expect(try store.daemonStatus().jobs == 2)
    }

    @Test func statusRendersForPeopleAndForScripts() throws {
        let stored = StoredDaemonStatus(
            lastCycle: CycleOutcome(finishedAt: noon, result: .complete, requests: 3, nextCycleAt: noon + 30),
            lastError: CycleOutcome(
                finishedAt: noon - 120, result: .failed, error: "GET /fine_tuning/jobs: HTTP 503"),
            activeJobs: 2, pendingDeliveries: 1, jobs: 9)
        let report = DaemonStatusReport(
            database: "/var/lib/ftd/ftd.sqlite3", lock: .running(pid: 42), stored: stored)
        let text = report.text(now: noon + 5, timeZone: utc)
        #expect(text.contains("ftd is running (pid 42) on /var/lib/ftd/ftd.sqlite3"))
        #expect(text.contains("last cycle:         12:00:01 (just now): complete, 3 requests, 0 transitions"))
        #expect(text.contains("next cycle:         12:00:31"))
        #expect(text.contains("last error:         11:58:01 (2m ago): GET /fine_tuning/jobs: HTTP 503"))
        #expect(text.contains("active jobs:        2 (of 9 recorded)"))
        #expect(text.contains("pending deliveries: 1"))

        let json = report.json().rendered()
        #expect(json.contains("\"running\": true"))
        #expect(json.contains("\"pid\": 42"))
        #expect(json.contains("\"message\": \"GET /fine_tuning/jobs: HTTP 503\""))

        let stopped = DaemonStatusReport(database: "/x", lock: .stopped, stored: nil)
        #expect(stopped.text(now: noon).contains("ftd is not running on /x"))
        #expect(stopped.text(now: noon).contains("no database yet"))
        #expect(stopped.json().rendered().contains("\"last_cycle\": null"))
        let unknown = DaemonStatusReport(
            database: "/x", lock: .unknown(reason: "Permission denied"), stored: nil)
        #expect(unknown.json().rendered().contains("\"running\": null"))
    }

    /// SPEC section 8: `ftd status` shows each account's last cycle and error, read from
    /// what each account's cycles recorded.
    @Test func statusShowsEachAccountsLastCycleAndError() throws {
        let store = try AppDatabase.inMemory()
        var research = CycleRecord(
            observedAt: noon - 300,
            jobs: [
                FineTuningJob(id: "ftjob-a", status: "running", createdAt: 1),
                FineTuningJob(id: "ftjob-b", status: "succeeded", createdAt: 2),
            ])
        research.account = "research"
        _ = try store.record(cycle: research)
        try store.recordCycleOutcome(
            CycleOutcome(finishedAt: noon, result: .complete, requests: 3, nextCycleAt: noon + 30),
            account: "research")
        try store.recordCycleOutcome(
            CycleOutcome(finishedAt: noon - 60, result: .failed, error: "HTTP 401\nbad key \u{1B}[2J"),
            account: "azure-eu")
        let report = DaemonStatusReport(
            database: "/var/lib/ftd/ftd.sqlite3", lock: .running(pid: 42), stored: try store.daemonStatus())
        let text = report.text(now: noon + 5, timeZone: utc)
        #expect(
            text.hasSuffix(
                """
                accounts:
                  azure-eu  last cycle 11:59:01 (1m ago) failed, 0 active of 0; error: HTTP 401
                  research  last cycle 12:00:01 (just now) complete, 1 active of 2

                """), "\(text)")
        #expect(!text.contains("\u{1B}"))

        let json = report.json()
        guard case .object(let members) = json, case .array(let accounts)? = members["accounts"] else {
            Issue.record("no accounts in \(json.rendered())")
            return
        }
        #expect(accounts.count == 2)
        guard case .object(let first) = accounts[0], case .object(let second) = accounts[1] else { return }
        #expect(first["name"] == .string("azure-eu"))
        #expect(first["last_error"] != .null)
        #expect(second["name"] == .string("research"))
        #expect(second["active_jobs"] == .int(1))
        #expect(second["baseline_completed_at"] == .int(noon - 300))
        #expect(second["last_complete_cycle_at"] == .int(noon))

        // One default account: no account lines, as before there were accounts.
        let single = try AppDatabase.inMemory()
        try single.recordCycleOutcome(CycleOutcome(finishedAt: noon, result: .complete), account: "default")
        let alone = DaemonStatusReport(database: "/x", lock: .stopped, stored: try single.daemonStatus())
        #expect(!alone.text(now: noon).contains("accounts:"))
    }
}
