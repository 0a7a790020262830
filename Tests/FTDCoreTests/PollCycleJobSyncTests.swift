import FTDConfig
import FTDEngine
import FTDStore
import Foundation
import Testing

/// `PollCycle.sync`: what `submit`, `watch`, `cancel`, `pause` and `resume` record of one
/// job, like a cycle, without ever standing in for the daemon's baseline.
struct PollCycleJobSyncTests {
    static let hook = HookSettings(
        name: "notify", on: ["*"], command: .argv(["/bin/true"]), timeout: 10, retries: 0)

    @Test func aCommandsLookAtOneJobRecordsItButNeverCompletesTheBaseline() async throws {
        let api = ScriptedAPI()
        await api.add(job: "ftjob-old", status: "succeeded", createdAt: 50)
        await api.add(job: "ftjob-a", status: "running", createdAt: 100)
        _ = await api.emit(
            "Step 1/10: training loss=1.50", job: "ftjob-a",
            data: .object(["step": .int(1), "train_loss": .double(1.5)]))
        let store = try AppDatabase.inMemory()
        var cycle = PollCycle(api: api, store: SQLiteStore(store), logger: .quiet)
        cycle.hooks = [Self.hook]

        let first = try await cycle.syncJob(id: "ftjob-a")
        #expect(first.job.status == "running")
        #expect(first.transitions.map(\.to) == ["running"])
        #expect(first.newEvents.map(\.message) == ["Step 1/10: training loss=1.50"])
        #expect(try store.jobDetail(id: "ftjob-a").steps.map(\.step) == [1])
        // Not the daemon's whole look at the account: no baseline, and no hook before it.
        #expect(try !store.baselineCompleted())
        #expect(try store.pendingDeliveryCount() == 0)

        // The daemon's first cycle is still the baseline: the old job fires nothing.
        let baseline = try await cycle.run()
        #expect(baseline.transitions.map(\.jobID) == ["ftjob-old"])
        #expect(baseline.transitions.allSatisfy { $0.isBaseline })
        #expect(try store.baselineCompleted())
        #expect(try store.pendingDeliveryCount() == 0)

        // After it, what a command sees is a transition like any other, with its hooks.
        await api.set(status: "succeeded", of: "ftjob-a")
        let done = try await cycle.syncJob(id: "ftjob-a")
        #expect(done.transitions.map { "\($0.from ?? "-")>\($0.to)" } == ["running>succeeded"])
        #expect(done.transitions.allSatisfy { !$0.isBaseline })
        #expect(try store.pendingDeliveryCount() == 1)
        // And the daemon does not record it again.
        #expect(try await cycle.run().transitions.isEmpty)
    }

    @Test func aFinishedJobWhoseFinalSyncIsDoneCostsOneRequest() async throws {
        let api = ScriptedAPI()
        await api.add(job: "ftjob-a", status: "succeeded", createdAt: 100)
        let store = try AppDatabase.inMemory()
        let cycle = PollCycle(api: api, store: SQLiteStore(store), logger: .quiet)
        _ = try await cycle.syncJob(id: "ftjob-a")  // the final sync: events, checkpoints
        await api.resetRequests()
        let again = try await cycle.syncJob(id: "ftjob-a")
        let requests = await api.requests
        #expect(requests.count == 1, "\(requests)")
        #expect(again.transitions.isEmpty)
    }
}
