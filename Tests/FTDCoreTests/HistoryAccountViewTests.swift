import Foundation
import Testing

@testable import FTDModel
@testable import FTDStore
@testable import FTDTerminal

/// The history's views when the database holds jobs of several accounts (SPEC section 8):
/// an ACCOUNT column, and the account in a job's header.
struct HistoryAccountViewTests {
    static let now = HistoryViewTests.now
    static let plain = HistoryViewTests.plain

    /// HistoryViewTests' jobs, the same job id in two accounts.
    static var jobs: [JobSummary] {
        var jobs = HistoryViewTests.jobs
        jobs[0].account = "research"
        jobs[1].account = "azure-eu"
        jobs[2].account = "research"
        var twin = jobs[0]
        twin.account = "default"
        return [jobs[0], twin, jobs[1], jobs[2]]
    }

    @Test func theTableAtEightyColumnsPutsTheAccountBeforeTheModels() {
        let table = JobTableView.render(Self.jobs, options: Self.plain, accounts: true)
        #expect(
            table == """
                JOB ID                          STATUS     CREATED     DURATION  STEPS  LOSS
                  ACCOUNT   COST    MODEL → FINE-TUNED MODEL
                ftjob-I3ZxS0d9bXc4Xq2mQ7rT1vWy  running    50m ago       50m00s     40  0.25
                  research  ~$1.50  gpt-4o-mini-2024-07-18
                ftjob-I3ZxS0d9bXc4Xq2mQ7rT1vWy  running    50m ago       50m00s     40  0.25
                  default   ~$1.50  gpt-4o-mini-2024-07-18
                ftjob-Usfb9RjasncaZ5Cjbuh1XSCh  succeeded  1d ago         1h06m    100  0.0012
                  azure-eu   $3.70  gpt-4o-mini-2… → ft:gpt-4o-mini-2024-0…ustom-suffix:9ABel2dg
                ftjob-abc123                    failed     2023-08-21     2m56s      -  -
                  research       -  davinci-002

                """)
    }

    @Test func aWideTerminalGetsTheAccountAsItsFirstColumn() {
        let options = HistoryRenderOptions(color: false, width: 180, now: Self.now)
        let table = JobTableView.render(Self.jobs, options: options, accounts: true)
        #expect(
            table == """
                ACCOUNT   JOB ID                          STATUS     MODEL                   CREATED     DURATION  STEPS  LOSS      COST  FINE-TUNED MODEL
                research  ftjob-I3ZxS0d9bXc4Xq2mQ7rT1vWy  running    gpt-4o-mini-2024-07-18  50m ago       50m00s     40  0.25    ~$1.50  -
                default   ftjob-I3ZxS0d9bXc4Xq2mQ7rT1vWy  running    gpt-4o-mini-2024-07-18  50m ago       50m00s     40  0.25    ~$1.50  -
                azure-eu  ftjob-Usfb9RjasncaZ5Cjbuh1XSCh  succeeded  gpt-4o-mini-2024-07-18  1d ago         1h06m    100  0.0012   $3.70  ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:9ABel2dg
                research  ftjob-abc123                    failed     davinci-002             2023-08-21     2m56s      -  -            -  -

                """)
    }

    @Test func withoutTheFlagTheTableIsAsBefore() {
        for width in [80, 180] {
            let options = HistoryRenderOptions(color: false, width: width, now: Self.now)
            let table = JobTableView.render(Self.jobs, options: options)
            #expect(!table.contains("ACCOUNT"))
            #expect(!table.contains("research"))
            var single = Self.jobs
            for index in single.indices { single[index].account = DefaultAccount.name }
            #expect(table == JobTableView.render(single, options: options))
        }
    }

    /// The longest name an account may have, and one longer still from a database that
    /// something else wrote: every line fits, and the full job id is never cut.
    @Test(arguments: [80, 90, 100, 132, 200])
    func everyLineFitsWithLongAccountNames(width: Int) {
        var jobs = Self.jobs
        jobs[0].account = String(repeating: "a", count: 32)
        jobs[2].account = String(repeating: "b", count: 60)
        let table = JobTableView.render(
            jobs, options: HistoryRenderOptions(width: width, now: Self.now), accounts: true)
        #expect(HistoryViewTests.widest(table) <= width, "\(table)")
        #expect(table.contains("ftjob-I3ZxS0d9bXc4Xq2mQ7rT1vWy"))
        #expect(table.contains("ftjob-Usfb9RjasncaZ5Cjbuh1XSCh"))
        #expect(table.contains(String(repeating: "a", count: 32)))
        #expect(!table.contains(String(repeating: "b", count: 33)))
    }

    @Test func anAccountNameIsCleanedLikeEveryOtherText() {
        var jobs = Self.jobs
        jobs[0].account = "evil\u{1B}]0;owned\u{07}\u{1B}[2J\nname"
        for width in [80, 200] {
            let options = HistoryRenderOptions(color: false, width: width, now: Self.now)
            let table = JobTableView.render(jobs, options: options, accounts: true)
            #expect(!table.contains("\u{1B}"))
            #expect(!table.contains("\u{07}"))
            #expect(table.split(separator: "\n").count == (width == 80 ? 10 : 5), "\(table)")
            var detail = HistoryDetailViewTests.detail
            detail.summary.account = jobs[0].account
            let text = JobDetailView.render(detail, options: options)
            #expect(!text.contains("\u{1B}"))
            #expect(!text.contains("\u{07}"))
            #expect(text.contains("  account   evil"))
        }
    }

    @Test func theHeaderNamesTheAccountUnlessItIsTheOnlyDefaultOne() {
        let options = HistoryDetailViewTests.options
        var detail = HistoryDetailViewTests.detail
        let alone = JobDetailView.render(detail, options: options)
        #expect(!alone.contains("account"))
        #expect(
            JobDetailView.render(detail, options: options, accounts: true).contains("\n  account   default\n")
        )

        detail.summary.account = "research"
        let header = JobDetailView.render(detail, options: options).split(separator: "\n").prefix(3)
        #expect(header.prefix(2) == ["ftjob-Usfb9RjasncaZ5Cjbuh1XSCh  succeeded", "  account   research"])
        #expect(header.last?.hasPrefix("  model     gpt-4o-mini") == true)
        // Otherwise the view is the one-account view, line for line, with that line added.
        var lines = JobDetailView.render(detail, options: options).split(
            separator: "\n", omittingEmptySubsequences: false)
        lines.remove(at: 1)
        #expect(lines.joined(separator: "\n") == alone)
    }

    @Test func anEmptyListingSaysWhichFilterFoundNothing() {
        #expect(
            JobTableView.render([], options: Self.plain, accountFilter: "research")
                == "No stored job belongs to account research. Run `ftd history` to see them all.\n")
        #expect(
            JobTableView.render([], options: Self.plain, statusFilter: "failed", accountFilter: "research")
                == "No stored job of account research has status failed. Run `ftd history` to see them all.\n"
        )
        #expect(
            JobTableView.render([], options: Self.plain, statusFilter: "failed")
                == "No stored job has status failed. Run `ftd history` to see them all.\n")
        #expect(!JobTableView.render([], options: Self.plain, accountFilter: "x\u{1B}[2J").contains("\u{1B}"))
    }
}
