import Foundation
import Testing

@testable import FTDModel
@testable import FTDStore
@testable import FTDTerminal

struct HistoryViewTests {
    static let now: Int64 = 1_715_600_000
    static let plain = HistoryRenderOptions(color: false, width: 80, now: now)

    static let jobs = [
        JobSummary(
            id: "ftjob-I3ZxS0d9bXc4Xq2mQ7rT1vWy", status: "running", model: "gpt-4o-mini-2024-07-18",
            createdAt: now - 3_000, steps: 40, lastTrainLoss: 0.25, estimatedTrainedTokens: 500_000),
        JobSummary(
            id: "ftjob-Usfb9RjasncaZ5Cjbuh1XSCh", status: "succeeded", model: "gpt-4o-mini-2024-07-18",
            fineTunedModel: "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:9ABel2dg",
            createdAt: now - 90_000,
            finishedAt: now - 86_000, trainedTokens: 1_234_567, steps: 100, lastTrainLoss: 0.0012),
        JobSummary(
            id: "ftjob-abc123", status: "failed", model: "davinci-002", createdAt: 1_692_661_014,
            finishedAt: 1_692_661_190,
            error: JobError(code: "invalid_n_examples", message: "too few", param: "training_file")),
    ]

    static func widest(_ text: String) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(\.count).max() ?? 0
    }

    @Test func theTableAtEightyColumns() {
        let table = JobTableView.render(Self.jobs, options: Self.plain)
        #expect(
            table == """
                JOB ID                          STATUS     CREATED     DURATION  STEPS  LOSS
                  COST    MODEL → FINE-TUNED MODEL
                ftjob-I3ZxS0d9bXc4Xq2mQ7rT1vWy  running    50m ago       50m00s     40  0.25
                  ~$1.50  gpt-4o-mini-2024-07-18
                ftjob-Usfb9RjasncaZ5Cjbuh1XSCh  succeeded  1d ago         1h06m    100  0.0012
                   $3.70  gpt-4o-mini-2… → ft:gpt-4o-mini-2024-07-18:…org:custom-suffix:9ABel2dg
                ftjob-abc123                    failed     2023-08-21     2m56s      -  -
                       -  davinci-002

                """)
    }

    @Test func aWideTerminalGetsOneLinePerJob() {
        let options = HistoryRenderOptions(color: false, width: 170, now: Self.now)
        let table = JobTableView.render(Self.jobs, options: options)
        #expect(
            table == """
                JOB ID                          STATUS     MODEL                   CREATED     DURATION  STEPS  LOSS      COST  FINE-TUNED MODEL
                ftjob-I3ZxS0d9bXc4Xq2mQ7rT1vWy  running    gpt-4o-mini-2024-07-18  50m ago       50m00s     40  0.25    ~$1.50  -
                ftjob-Usfb9RjasncaZ5Cjbuh1XSCh  succeeded  gpt-4o-mini-2024-07-18  1d ago         1h06m    100  0.0012   $3.70  ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:9ABel2dg
                ftjob-abc123                    failed     davinci-002             2023-08-21     2m56s      -  -            -  -

                """)
    }

    @Test func aMediumTerminalShrinksTheModelColumns() {
        let jobs = [
            JobSummary(
                id: "ftjob-abc", status: "succeeded", model: "gpt-4o-mini-2024-07-18",
                fineTunedModel: "ft:gpt-4o-mini-2024-07-18:org::abc", createdAt: Self.now - 600,
                finishedAt: Self.now - 60, steps: 100, lastTrainLoss: 0.0012)
        ]
        #expect(
            JobTableView.render(jobs, options: HistoryRenderOptions(width: 100, now: Self.now)) == """
                JOB ID     STATUS     MODEL           CREATED  DURATION  STEPS  LOSS    COST  FINE-TUNED MODEL
                ftjob-abc  succeeded  gpt-4o-mini-2…  10m ago     9m00s    100  0.0012     -  ft:gpt-4o-m…8:org::abc

                """)
    }

    @Test(arguments: [80, 90, 100, 132, 200])
    func everyTableLineFits(width: Int) {
        let table = JobTableView.render(
            Self.jobs, options: HistoryRenderOptions(width: width, now: Self.now))
        #expect(Self.widest(table) <= width)
        #expect(table.contains("ftjob-I3ZxS0d9bXc4Xq2mQ7rT1vWy"))
    }

    @Test func aNarrowTerminalStillGetsFullJobIDs() {
        let table = JobTableView.render(
            Self.jobs, options: HistoryRenderOptions(width: 40, now: Self.now))
        #expect(table.contains("ftjob-I3ZxS0d9bXc4Xq2mQ7rT1vWy"))
        #expect(table.contains("ftjob-Usfb9RjasncaZ5Cjbuh1XSCh"))
    }

    @Test func statusIsColouredOnlyWhenAsked() {
        let plain = JobTableView.render(Self.jobs, options: Self.plain)
        #expect(!plain.contains("\u{1B}["))
        let coloured = JobTableView.render(
            Self.jobs, options: HistoryRenderOptions(color: true, now: Self.now))
        #expect(coloured.contains("\u{1B}[33mrunning  \u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[32msucceeded\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[31mfailed   \u{1B}[0m"))
        let cancelled = JobTableView.render(
            [JobSummary(id: "ftjob-c", status: "cancelled")],
            options: HistoryRenderOptions(color: true, now: Self.now))
        #expect(cancelled.contains("\u{1B}[2mcancelled\u{1B}[0m"))
    }

    @Test func anEmptyDatabaseGetsAHint() {
        let text = JobTableView.render([], options: Self.plain)
        #expect(text.contains("ftd run --once"))
        #expect(!text.contains("JOB ID"))
        #expect(
            JobTableView.render([], options: Self.plain, statusFilter: "failed").contains("status failed")
        )
    }
}
