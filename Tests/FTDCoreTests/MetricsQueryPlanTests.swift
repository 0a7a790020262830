import GRDB
import Testing

@testable import FTDModel
@testable import FTDStore

/// A scrape reads every active job's last step: by primary key, never a scan of the
/// steps (a million rows), whatever the number of jobs.
struct MetricsQueryPlanTests {
    @Test func activeJobsAreReadByKeyNeverByAScanOfTheSteps() throws {
        let terminal = JobStatus.terminal.sorted()
        let plan = try StoreQueryPlanTests.plan(
            AppDatabase.activeJobsSQL(terminalCount: terminal.count),
            StatementArguments(terminal))
        #expect(
            !plan.contains("SCAN steps") && !plan.contains("SCAN s\n") && !plan.hasSuffix("SCAN s"), "\(plan)"
        )
        #expect(!plan.contains("SCAN step_summaries"), "\(plan)")
        #expect(
            plan.contains("SEARCH s USING PRIMARY KEY (job_key=? AND step=?)"), "\(plan)")
        #expect(!plan.contains("MATERIALIZE"), "\(plan)")
    }
}
