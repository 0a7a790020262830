import Foundation
import Logging
import Testing

@testable import FTDCore

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
            try await PollCycle(api: APIClientTests.client(server), store: store, logger: Logger.quiet).run()
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
        let json = HistoryJSON.detail(detail).rendered(pretty: false)
        #expect(json.contains(#"\u001b[2J"#), "the JSON keeps the exact text, escaped")
    }
}
