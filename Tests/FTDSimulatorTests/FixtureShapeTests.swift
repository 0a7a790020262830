import Foundation
import Testing

@testable import FTDSimulator

/// The simulator's JSON must have the real API's fields: compare key sets with the fixtures.
@Suite("Shapes match the fixtures")
struct FixtureShapeTests {
    /// The real API payloads kept in the repository (`Tests/Fixtures`), as FTDCoreTests'
    /// `Fixtures` reads them.
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func fixture(_ name: String) throws -> SimJSON {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
        return try #require(SimJSON.parse(Array(data)))
    }

    static func keys(_ value: SimJSON?) -> Set<String> {
        Set(value?.objectKeys ?? [])
    }

    @Test(
        "Job objects have the spec example's fields plus error and user_provided_suffix, as real answers do")
    func jobKeys() async throws {
        let spec = Self.keys(try Self.fixture("job-spec-succeeded.json"))
        let failedFixture = Self.keys(try Self.fixture("job-failed-invalid-n-examples.json"))
        #expect(failedFixture.isSuperset(of: ["error", "user_provided_suffix"]))
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            await sim.advance(400)
            let job = try await sim.get("/v1/fine_tuning/jobs/\(id)").json
            #expect(Self.keys(job) == spec.union(["error", "user_provided_suffix"]))
            #expect(
                Self.keys(job?["hyperparameters"])
                    == Self.keys(try Self.fixture("job-spec-succeeded.json")["hyperparameters"]))
            #expect(
                Self.keys(job?["method"]) == Self.keys(try Self.fixture("job-spec-succeeded.json")["method"]))
            let list = try await sim.get("/v1/fine_tuning/jobs").json
            #expect(Self.keys(list) == Self.keys(try Self.fixture("jobs-list.json")))
        }
    }

    @Test("Events and event lists have the fixture's fields")
    func eventKeys() async throws {
        let fixture = try Self.fixture("events-list-metrics.json")
        let fixtureEvent = fixture["data"]?.arrayValue?.first
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            await sim.advance(400)
            let list = try await sim.get("/v1/fine_tuning/jobs/\(id)/events?limit=100").json
            #expect(Self.keys(list) == Self.keys(fixture))
            let events = list?["data"]?.arrayValue ?? []
            #expect(!events.isEmpty)
            for event in events {
                #expect(Self.keys(event) == Self.keys(fixtureEvent))
            }
            let metric = try #require(events.first { $0["type"] == .string("metrics") })
            #expect(Self.keys(metric["data"]).isSubset(of: Self.keys(fixtureEvent?["data"])))
        }
    }

    @Test("Checkpoints and checkpoint lists have the fixture's fields")
    func checkpointKeys() async throws {
        let fixture = try Self.fixture("checkpoints-list.json")
        let fixtureCheckpoint = fixture["data"]?.arrayValue?.first
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            await sim.advance(400)
            let list = try await sim.get("/v1/fine_tuning/jobs/\(id)/checkpoints").json
            #expect(Self.keys(list) == Self.keys(fixture))
            for checkpoint in list?["data"]?.arrayValue ?? [] {
                #expect(Self.keys(checkpoint) == Self.keys(fixtureCheckpoint))
                #expect(
                    Self.keys(checkpoint["metrics"]).isSubset(of: Self.keys(fixtureCheckpoint?["metrics"])))
            }
        }
    }

    @Test("Error envelopes have the 401 and 429 fixtures' fields")
    func errorKeys() async throws {
        try await SimulatorHarness.with(faults: [FaultRule(kind: .status(429))]) { sim async throws in
            let limited = try await sim.get("/v1/fine_tuning/jobs").json
            let fixture429 = try Self.fixture("error-429.json")
            #expect(Self.keys(limited?["error"]) == Self.keys(fixture429["error"]))
            #expect(limited?["error"] == fixture429["error"])
            let unauthorized = try await sim.get("/v1/fine_tuning/jobs", key: nil).json
            #expect(Self.keys(unauthorized) == Self.keys(try Self.fixture("error-401.json")))
            #expect(
                Self.keys(unauthorized?["error"]) == Self.keys(try Self.fixture("error-401.json")["error"]))
        }
    }

    @Test("The result CSV has the fixture's header")
    func resultHeader() throws {
        let csv = try String(
            contentsOf: Self.fixtures.appendingPathComponent("result-file.csv"), encoding: .utf8)
        let job = JobTimelineTests.elleJob()
        #expect(
            JobTimeline(job: job).resultCSV().split(separator: "\n").first == csv.split(separator: "\n").first
        )
    }
}
