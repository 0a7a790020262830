import FTDDaemon
import FTDEngine
import FTDModel
import FTDStore
import Logging
import Testing

/// The cycle of SPEC section 3 against a scripted API and a real in-memory database.
@Suite struct PollCycleTests {
    let api = ScriptedAPI()
    let store: AppDatabase
    let cycle: PollCycle

    init() throws {
        store = try AppDatabase.inMemory()
        var cycle = PollCycle(api: api, store: SQLiteStore(store), logger: Logger.quiet, now: { 5000 })
        cycle.pageSizes.jobs = 3
        cycle.pageSizes.events = 2
        self.cycle = cycle
    }

    @Test func baselineRecordsEveryJobFromNullAndMarksItBaseline() async throws {
        await api.add(job: "ftjob-a", status: "running", createdAt: 2)
        await api.add(job: "ftjob-b", status: "succeeded", createdAt: 1)
        let report = try await cycle.run()
        #expect(report.recorded)
        #expect(report.transitions.map(\.jobID) == ["ftjob-a", "ftjob-b"])
        #expect(report.transitions.allSatisfy { $0.from == nil && $0.isBaseline && $0.observedAt == 5000 })
        #expect(report.activeJobs == 1)
        // The terminal job gets its final sync: events and checkpoints.
        let requests = await api.requests
        #expect(requests.contains("GET /fine_tuning/jobs/ftjob-b/checkpoints?after="))
        #expect(!requests.contains("GET /fine_tuning/jobs/ftjob-a/checkpoints?after="))
    }

    @Test func firstCyclePagesTheWholeListLaterOnesStopAtAKnownPage() async throws {
        for number in 1...7 {
            await api.add(job: "ftjob-\(number)", status: "succeeded", createdAt: Int64(number))
        }
        _ = try await cycle.run()
        let firstListing = await api.requests.filter { $0.hasPrefix("GET /fine_tuning/jobs?") }
        #expect(firstListing.count == 3)  // 7 jobs, 3 a page

        await api.resetRequests()
        let steady = try await cycle.run()
        #expect(await api.requests == ["GET /fine_tuning/jobs?after="])
        #expect(steady.transitions.isEmpty)
    }

    /// SPEC §3: a later cycle reads pages until *every* job on a page is known, not until
    /// one is: a list that shows a job late (eventual consistency) can put it below a
    /// known one, and a page that mixes known and new jobs says nothing of the next.
    @Test func laterCyclesPageOnWhileAPageHoldsAnyNewJob() async throws {
        for number in [10, 20, 30, 40, 50, 60] {
            await api.add(job: "ftjob-\(number)", status: "succeeded", createdAt: Int64(number))
        }
        _ = try await cycle.run()  // the baseline
        await api.add(job: "ftjob-55", status: "succeeded", createdAt: 55)
        await api.add(job: "ftjob-35", status: "succeeded", createdAt: 35)
        // Newest first, 3 a page: [60, 55, 50] [40, 35, 30] [20, 10].
        let report = try await cycle.run()
        #expect(Set(report.transitions.map(\.jobID)) == ["ftjob-55", "ftjob-35"])
        let listings = await api.requests.filter { $0.hasPrefix("GET /fine_tuning/jobs?") }
        #expect(listings.count == 2 + 3)  // the baseline: 2 pages; then 3, the last holding no new job
    }

    @Test func steadyCycleSendsOneListPlusOneEventsPagePerActiveJob() async throws {
        for number in 1...5 {
            await api.add(job: "ftjob-done\(number)", status: "succeeded", createdAt: Int64(number))
        }
        await api.add(job: "ftjob-r1", status: "running", createdAt: 10)
        await api.add(job: "ftjob-r2", status: "running", createdAt: 11)
        await api.emit("Fine-tuning job started", job: "ftjob-r1")
        _ = try await cycle.run()
        await api.resetRequests()
        let report = try await cycle.run()
        #expect(report.requests == 3)
        #expect(await api.requests.count == 3)
    }

    @Test func newJobAfterTheBaselineIsATransitionFromNullThatFiresHooks() async throws {
        _ = try await cycle.run()  // baseline of an empty account
        await api.add(job: "ftjob-new", status: "validating_files", createdAt: 1)
        let report = try await cycle.run()
        #expect(
            report.transitions == [
                Transition(
                    jobID: "ftjob-new", from: nil, to: "validating_files", observedAt: 5000, isBaseline: false
                )
            ])
    }

    @Test func skippedStatesAreRecordedAsTheOneTransitionObserved() async throws {
        await api.add(job: "ftjob-a", status: "validating_files", createdAt: 1)
        _ = try await cycle.run()
        await api.set(status: "succeeded", of: "ftjob-a")
        let report = try await cycle.run()
        #expect(report.transitions.map { "\($0.from ?? "nil")→\($0.to)" } == ["validating_files→succeeded"])
        #expect(report.activeJobs == 0)
    }

    @Test func unknownStatusesAreKeptAsSent() async throws {
        await api.add(job: "ftjob-a", status: "running", createdAt: 1)
        _ = try await cycle.run()
        await api.set(status: "paused", of: "ftjob-a")
        let report = try await cycle.run()
        #expect(report.transitions.map(\.to) == ["paused"])
        #expect(report.activeJobs == 1)  // paused is not terminal: it is still watched
    }

    @Test func aTerminalJobCostsNothingAfterItsFinalSync() async throws {
        await api.add(job: "ftjob-a", status: "running", createdAt: 1)
        _ = try await cycle.run()
        await api.set(status: "succeeded", of: "ftjob-a")
        await api.emit("The job has successfully completed", job: "ftjob-a")
        _ = try await cycle.run()
        await api.resetRequests()
        _ = try await cycle.run()
        _ = try await cycle.run()
        #expect(await api.requests == ["GET /fine_tuning/jobs?after=", "GET /fine_tuning/jobs?after="])
    }

    @Test func eventsAreReadFromTheTopUntilAStoredOneAndStoredOnce() async throws {
        await api.add(job: "ftjob-a", status: "running", createdAt: 1)
        for step in 1...3 { await api.emit("Step \(step)/10: training loss=1.0", job: "ftjob-a") }
        _ = try await cycle.run()
        for step in 4...8 { await api.emit("Step \(step)/10: training loss=0.5", job: "ftjob-a") }
        await api.resetRequests()
        _ = try await cycle.run()
        // 5 new events, 2 a page: pages of 2, 2, then one holding the 8th new and a stored one.
        let eventRequests = await api.requests.filter { $0.contains("/events") }
        #expect(eventRequests.count == 3)
        let detail = try store.jobDetail(id: "ftjob-a")
        #expect(detail.events.count == 8)
        #expect(Set(detail.events.map(\.id)).count == 8)
        #expect(detail.steps.map(\.step) == Array(1...8))
    }

    @Test func aFailedEventsPageKeepsNoPartialBatchAndTheNextCycleFillsIt() async throws {
        await api.add(job: "ftjob-a", status: "running", createdAt: 1)
        await api.add(job: "ftjob-b", status: "running", createdAt: 2)
        await api.emit("Fine-tuning job started", job: "ftjob-a")
        _ = try await cycle.run()
        for step in 1...5 { await api.emit("Step \(step)/10: training loss=0.5", job: "ftjob-a") }
        await api.emit("Fine-tuning job started", job: "ftjob-b")
        await api.fail("ftjob-a/events?after=ftevent")  // the second page of job a
        let failed = try await cycle.run()
        #expect(failed.failures.count == 1)
        #expect(failed.recorded)
        #expect(try store.jobDetail(id: "ftjob-a").events.count == 1)  // nothing of the batch
        #expect(try store.jobDetail(id: "ftjob-b").events.count == 1)  // other jobs go on

        let next = try await cycle.run()
        #expect(next.failures.isEmpty)
        #expect(try store.jobDetail(id: "ftjob-a").events.count == 6)
    }

    @Test func aFailedListingRecordsNothingAndReportsTheFailure() async throws {
        await api.add(job: "ftjob-a", status: "running", createdAt: 1)
        await api.fail("GET /fine_tuning/jobs?", status: 503)
        let report = try await cycle.run()
        #expect(!report.recorded)
        #expect(report.failures.first?.httpStatus == 503)
        #expect(try store.jobSummaries().isEmpty)
        #expect(try !store.baselineCompleted())
    }

    @Test func rejectedCredentialsStopTheCycle() async throws {
        await api.add(job: "ftjob-a", status: "running", createdAt: 1)
        await api.fail("GET /fine_tuning/jobs?", status: 401)
        let report = try await cycle.run()
        #expect(report.credentialsRejected)
        #expect(await api.requests.count == 1)
    }

    @Test func knownActiveJobsTheListDidNotShowAreRetrieved() async throws {
        await api.add(job: "ftjob-old", status: "running", createdAt: 1)
        for number in 2...4 {
            await api.add(job: "ftjob-\(number)", status: "succeeded", createdAt: Int64(number))
        }
        _ = try await cycle.run()
        await api.resetRequests()
        await api.set(status: "failed", of: "ftjob-old")
        let report = try await cycle.run()
        let requests = await api.requests
        #expect(requests.contains("GET /fine_tuning/jobs/ftjob-old"))
        #expect(report.transitions.map(\.to) == ["failed"])
    }

    @Test func aCheckpointEventFetchesTheCheckpoints() async throws {
        await api.add(job: "ftjob-a", status: "running", createdAt: 1)
        _ = try await cycle.run()
        await api.addCheckpoint(job: "ftjob-a", step: 80)
        await api.emit("Checkpoint created at step 80 with Snapshot ID: ft:x:ckpt-step-80", job: "ftjob-a")
        _ = try await cycle.run()
        let detail = try store.jobDetail(id: "ftjob-a")
        #expect(detail.checkpoints.map(\.stepNumber) == [80])
        await api.resetRequests()
        _ = try await cycle.run()
        #expect(await api.requests.filter { $0.contains("checkpoints") }.isEmpty)
    }

    @Test func aDisappearedJobIsReportedAndKept() async throws {
        await api.add(job: "ftjob-a", status: "running", createdAt: 1)
        _ = try await cycle.run()
        await api.remove(job: "ftjob-a")
        let report = try await cycle.run()
        #expect(report.failures.first?.httpStatus == 404)
        #expect(try store.jobSummaries().map(\.id) == ["ftjob-a"])
    }
}
