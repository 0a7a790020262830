import Foundation
import Logging
import Testing

@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore
@testable import FTDTerminal

/// Issue 19: a hostile API server, through the real client and cycle into a real store,
/// then out through the views a person reads. Each answer carries several attacks.
@Suite("A hostile API server")
struct HostileServerTests {
    static let job = #"""
        {"object": "list", "has_more": false, "data": [{
          "object": "fine_tuning.job", "id": "ftjob-hostile", "status": "failed",
          "model": "gpt-4o-mini\u001b]52;c;ZXZpbA==\u0007",
          "fine_tuned_model": "ft:x:\u001b]0;pwned\u0007\u001b[2Jy",
          "created_at": 1715566184, "finished_at": -9223372036854775808,
          "error": {"code": "bad\u001b[2J", "message": "all fine\r\u001b[Kit failed \u202egnp.exe",
                    "param": "p\u0000q"}}]}
        """#
    static let events = #"""
        {"object": "list", "has_more": false, "data": [
          {"object": "fine_tuning.job.event", "id": "ev-2", "created_at": 9223372036854775807,
           "level": "error\u001b[31m", "message": "Step 1/2: training loss=0.5\u001b]0;t\u0007"},
          {"object": "fine_tuning.job.event", "id": "ev-1", "created_at": -9223372036854775808,
           "level": "info", "message": "line one\r\u001b[Kline two\u0000"}]}
        """#
    static let checkpoints = #"{"object": "list", "has_more": false, "data": []}"#

    @Test func itsTextNeverDrivesTheTerminalAndItsTimesNeverCrashTheViews() async throws {
        let store = try AppDatabase.inMemory()
        let report = try await APIClientTests.withServer([
            .init(body: Self.job), .init(body: Self.events), .init(body: Self.checkpoints),
        ]) { server in
            try await PollCycle(
                api: APIClientTests.client(server), store: SQLiteStore(store), logger: Logger.quiet
            ).run()
        }
        #expect(report.failures.isEmpty, "\(report.failures)")

        let summary = try #require(try store.jobSummaries(status: nil, limit: nil).first)
        #expect(summary.finishedAt == nil, "an implausible time is no fact")
        #expect(summary.model == "gpt-4o-mini\u{1B}]52;c;ZXZpbA==\u{07}", "stored exactly as sent")
        let detail = try store.jobDetail(id: "ftjob-hostile")
        #expect(detail.events.count == 2)

        let options = HistoryRenderOptions(color: true, width: 80, now: 1_750_000_000)
        for text in [
            JobTableView.render([summary], options: options), JobDetailView.render(detail, options: options),
        ] {
            #expect(!HostileTextViewTests.hasForeignControl(text), "\(text.debugDescription)")
        }
        let json = HistoryJSON.detail(detail, prices: PriceBook()).rendered(pretty: false)
        #expect(json.contains(#"\u001b[2J"#), "the JSON keeps the exact text, escaped")
    }

    /// A NUL in a status made SQLite store a shorter one, which differed from the API's at
    /// every cycle: a transition, and hooks, each time. Two ids differing after a NUL
    /// became one job.
    @Test func aNULInAStatusOrAnIdIsOneStableValue() throws {
        let store = try AppDatabase.inMemory()
        let body = #"""
            {"object": "list", "has_more": false, "data": [
              {"id": "ftjob-a\u0000one", "status": "running\u0000x", "created_at": 2},
              {"id": "ftjob-a\u0000two", "status": "queued", "created_at": 1}]}
            """#
        let page = try ListPage<FineTuningJob>.jobs(body: Data(body.utf8))
        #expect(page.data.map(\.id) == ["ftjob-a\u{FFFD}one", "ftjob-a\u{FFFD}two"])
        #expect(page.data.first?.status == "running\u{FFFD}x")
        #expect(page.data.first?.raw["status"]?.stringValue == "running\u{0}x", "the raw JSON keeps it")
        var transitions = 0
        for observed in Int64(10)...12 {
            transitions += try store.record(cycle: CycleRecord(observedAt: observed, jobs: page.data)).count
        }
        #expect(transitions == 2, "one per job, the first time only")
        #expect(try store.jobSummaries().count == 2)
    }
}
