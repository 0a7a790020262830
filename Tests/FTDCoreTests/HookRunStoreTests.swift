import Foundation
import Testing

@testable import FTDModel
@testable import FTDStore
@testable import FTDTerminal

struct HookRunStoreTests {
    typealias D = DeliverySample

    /// ftjob-a went queued → failed with two hooks: `notify` failed once then succeeded,
    /// `page` timed out, then was killed, and gave up.
    static func history() throws -> (AppDatabase, notify: String, page: String) {
        let database = try D.afterBaseline()
        _ = try database.record(
            cycle: D.cycle(
                at: 200, [("ftjob-a", "failed")],
                hooks: [D.hook("notify", on: ["*"]), D.hook("page", on: ["failed"])]))
        let pending = try database.pendingDeliveries()
        let (notify, page) = (pending[0].id, pending[1].id)

        var run = try database.beginAttempt(deliveryID: notify, startedAt: 201)
        try database.finishAttempt(
            runID: run.runID,
            result: HookRunResult(
                exitCode: 7, timedOut: false, startedAt: 201, durationMs: 15,
                stderr: "try\ncurl: (7) refused\n\n"))
        run = try database.beginAttempt(deliveryID: notify, startedAt: 203)
        try database.finishAttempt(
            runID: run.runID,
            result: HookRunResult(exitCode: 0, timedOut: false, startedAt: 203, durationMs: 12))
        try database.completeDelivery(id: notify, succeeded: true, at: 204)

        run = try database.beginAttempt(deliveryID: page, startedAt: 205)
        try database.finishAttempt(
            runID: run.runID,
            result: HookRunResult(exitCode: nil, timedOut: true, startedAt: 205, durationMs: 60_000))
        run = try database.beginAttempt(deliveryID: page, startedAt: 270)
        try database.finishAttempt(
            runID: run.runID,
            result: HookRunResult(
                exitCode: nil, timedOut: false, startedAt: 270, durationMs: 3, stderr: "killed\n"))
        try database.completeDelivery(id: page, succeeded: false, at: 271)
        return (database, notify, page)
    }

    @Test func jobDetailListsEveryFinishedAttemptInOrder() throws {
        let (database, notify, page) = try Self.history()
        let runs = try database.jobDetail(id: "ftjob-a").hookRuns
        #expect(
            runs == [
                HookRunView(
                    hook: "notify", deliveryID: notify, attempt: 1, status: "failed", exitCode: 7,
                    timedOut: false,
                    startedAt: 201, durationMs: 15),
                HookRunView(
                    hook: "notify", deliveryID: notify, attempt: 2, status: "succeeded", exitCode: 0,
                    timedOut: false, startedAt: 203, durationMs: 12),
                HookRunView(
                    hook: "page", deliveryID: page, attempt: 1, status: "timed_out", exitCode: nil,
                    timedOut: true,
                    startedAt: 205, durationMs: 60_000),
                HookRunView(
                    hook: "page", deliveryID: page, attempt: 2, status: "failed", exitCode: nil,
                    timedOut: false,
                    startedAt: 270, durationMs: 3),
            ])
    }

    @Test func hookRunsJSONIsExactlyAsSPECShowsIt() throws {
        let (database, notify, page) = try Self.history()
        let json = HistoryJSON.detail(try database.jobDetail(id: "ftjob-a"), prices: PriceBook())
        guard case .object(let members) = json,
            let hookRuns = members.first(where: { $0.0 == "hook_runs" })?.1
        else {
            Issue.record("no hook_runs in \(json.rendered())")
            return
        }
        let expected = """
            [{"hook":"notify","delivery_id":"\(notify)","attempt":1,"status":"failed","exit_code":7,\
            "timed_out":false,"started_at":201,"duration_ms":15},\
            {"hook":"notify","delivery_id":"\(notify)","attempt":2,"status":"succeeded","exit_code":0,\
            "timed_out":false,"started_at":203,"duration_ms":12},\
            {"hook":"page","delivery_id":"\(page)","attempt":1,"status":"timed_out","exit_code":null,\
            "timed_out":true,"started_at":205,"duration_ms":60000},\
            {"hook":"page","delivery_id":"\(page)","attempt":2,"status":"failed","exit_code":null,\
            "timed_out":false,"started_at":270,"duration_ms":3}]
            """
        #expect(hookRuns.rendered(pretty: false) == expected)
    }

    @Test func otherJobsHookRunsStayOut() throws {
        let (database, _, _) = try Self.history()
        _ = try database.record(
            cycle: D.cycle(at: 300, [("ftjob-b", "queued")], hooks: [D.hook("n", on: ["*"])]))
        let other = try #require(try database.pendingDeliveries().first)
        let run = try database.beginAttempt(deliveryID: other.id, startedAt: 301)
        try database.finishAttempt(runID: run.runID, result: D.result(exit: 0, at: 301))
        #expect(try database.jobDetail(id: "ftjob-a").hookRuns.count == 4)
        #expect(try database.jobDetail(id: "ftjob-b").hookRuns.map(\.hook) == ["n"])
    }

    @Test func hookRunsListsDeliveriesNewestFirstWithTheirLastAttempt() throws {
        let (database, notify, page) = try Self.history()
        _ = try database.record(
            cycle: D.cycle(at: 300, [("ftjob-b", "queued")], hooks: [D.hook("notify", on: ["*"])]))
        let fresh = try #require(try database.pendingDeliveries().first).id

        let all = try database.hookRuns(failedOnly: false, limit: 10)
        #expect(all.map(\.deliveryID) == [fresh, page, notify])
        #expect(
            all[0]
                == DeliveryView(
                    deliveryID: fresh, hook: "notify", jobID: "ftjob-b", from: nil, to: "queued",
                    observedAt: 300,
                    status: "pending", attempts: 0, lastExitCode: nil, lastStderrLine: nil, createdAt: 300,
                    doneAt: nil))
        #expect(
            all[1]
                == DeliveryView(
                    deliveryID: page, hook: "page", jobID: "ftjob-a", from: "queued", to: "failed",
                    observedAt: 200,
                    status: "failed", attempts: 2, lastExitCode: nil, lastStderrLine: "killed",
                    createdAt: 200,
                    doneAt: 271))
        #expect(all[2].status == "succeeded" && all[2].attempts == 2 && all[2].lastExitCode == 0)
        #expect(all[2].lastStderrLine == nil)

        #expect(try database.hookRuns(failedOnly: true, limit: 10).map(\.deliveryID) == [page])
        #expect(try database.hookRuns(failedOnly: false, limit: 2).map(\.deliveryID) == [fresh, page])
    }

    @Test(
        arguments: [
            ("curl: (7) refused\n\n  \n", "curl: (7) refused"), ("one\r\ntwo\r\n", "two"), ("", nil),
            ("\n \n", nil),
        ] as [(String, String?)])
    func lastStderrLineIsTheLastNonEmptyOne(stderr: String, expected: String?) {
        #expect(AppDatabase.lastNonEmptyLine(stderr) == expected)
    }

    @Test func deliveriesJSON() throws {
        let (database, _, page) = try Self.history()
        let json = DeliveryJSON.deliveries(try database.hookRuns(failedOnly: true, limit: 10))
        #expect(
            json.rendered(pretty: false) == """
                [{"delivery_id":"\(page)","hook":"page","account":"default","job_id":"ftjob-a",\
                "transition":{"from":"queued","to":"failed","observed_at":200},"status":"failed",\
                "attempts":2,"last_exit_code":null,"last_stderr_line":"killed","created_at":200,"done_at":271}]
                """)
        #expect(DeliveryJSON.deliveries([]).rendered(pretty: false) == "[]")
    }

    @Test func deliveryTableFitsEightyColumnsAndKeepsTheIDsWhole() throws {
        let (database, notify, page) = try Self.history()
        let deliveries = try database.hookRuns(failedOnly: false, limit: 10)
        let text = DeliveryTableView.render(deliveries, options: HistoryRenderOptions(now: 260))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines[0].hasPrefix("DELIVERY"))
        #expect(lines[1].hasPrefix(page) && lines[1].contains("failed"))
        #expect(lines[2] == "  ftjob-a: queued → failed  stderr: killed")
        #expect(lines[3].hasPrefix(notify) && lines[3].contains("succeeded"))
        #expect(lines[4] == "  ftjob-a: queued → failed")
    }

    @Test func deliveryTableShortensALongHookNameAndExplainsAnEmptyList() throws {
        let long = DeliveryView(
            deliveryID: "dlv_0123456789abcdef01234567", hook: String(repeating: "h", count: 60),
            jobID: "ftjob-x",
            from: nil, to: "queued", observedAt: 1, status: "pending", attempts: 0, lastExitCode: nil,
            lastStderrLine: nil, createdAt: 1, doneAt: nil)
        let text = DeliveryTableView.render([long], options: HistoryRenderOptions(width: 80, now: 100))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(text.contains("dlv_0123456789abcdef01234567"))
        #expect(text.contains("ftjob-x: new → queued"))
        #expect(DeliveryTableView.render([], options: HistoryRenderOptions(now: 1)).contains("No hook"))
        #expect(
            DeliveryTableView.render([], options: HistoryRenderOptions(now: 1), failedOnly: true).contains(
                "failed"))
    }

    @Test func jobDetailViewShowsAHookRunsSection() throws {
        let (database, _, _) = try Self.history()
        let text = JobDetailView.render(
            try database.jobDetail(id: "ftjob-a"), options: HistoryRenderOptions(now: 400))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: "Hook runs"))
        #expect(lines[start + 1].contains("notify #1") && lines[start + 1].contains("exit 7"))
        #expect(lines[start + 3].contains("page #1") && lines[start + 3].contains("timed_out"))
        #expect(lines[start + 3].contains("killed"))
        #expect(lines.allSatisfy { $0.count <= 80 })
    }
}
