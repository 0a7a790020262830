import Hummingbird
import HummingbirdTesting
import Testing

@testable import FTDSimulator

@Suite("Fault injection over HTTP")
struct FaultInjectionTests {
    static let jobs = "/v1/fine_tuning/jobs"

    @Test("429 with retry headers, count times on matching paths, then normal answers")
    func rateLimit() async throws {
        let rule = try FaultRule.parse(
            "429:retry-after=2:retry-after-ms=2000:should-retry=true:count=2:path=/events")
        try await SimulatorHarness.with(faults: [rule]) { sim async throws in
            let id = try await sim.elleJobID()
            #expect(try await sim.get(Self.jobs).status == 200)
            let limited = try await sim.get("\(Self.jobs)/\(id)/events")
            #expect(limited.status == 429)
            #expect(limited.headers[.retryAfter] == "2")
            #expect(limited.headers[.retryAfterMs] == "2000")
            #expect(limited.headers[.shouldRetry] == "true")
            #expect(limited.json?["error"]?["code"] == .string("rate_limit_exceeded"))
            #expect(limited.json?["error"]?["type"] == .string("requests"))
            #expect(try await sim.get("\(Self.jobs)/\(id)/events").status == 429)
            #expect(try await sim.get("\(Self.jobs)/\(id)/events").status == 200)
        }
    }

    @Test("5xx answers with the server_error envelope and do not run the request")
    func serverError() async throws {
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            await sim.simulator.addFault(try FaultRule.parse("500:count=1"))
            let failed = try await sim.post("\(Self.jobs)/\(id)/cancel")
            #expect(failed.status == 500)
            #expect(failed.json?["error"]?["type"] == .string("server_error"))
            #expect(try await sim.get("\(Self.jobs)/\(id)").json?["status"] == .string("validating_files"))
        }
    }

    @Test("A delay answers late, past a client's timeout")
    func delay() async throws {
        try await SimulatorHarness.with(faults: [FaultRule(kind: .delay(10))]) { sim async throws in
            await #expect(throws: (any Error).self) {
                _ = try await sim.request(.get, Self.jobs, timeout: .milliseconds(500))
            }
            let start = ContinuousClock.now
            #expect(try await sim.get(Self.jobs).status == 200)
            #expect(start.duration(to: .now) < .seconds(8))  // the spent fault would take 10 s
        }
    }

    @Test("A delayed answer arrives once the delay is over")
    func delayedAnswer() async throws {
        try await SimulatorHarness.with(faults: [FaultRule(kind: .delay(0.3))]) { sim async throws in
            let start = ContinuousClock.now
            let answer = try await sim.get(Self.jobs)
            #expect(answer.status == 200 && answer.json != nil)
            #expect(start.duration(to: .now) >= .milliseconds(300))
        }
    }

    @Test("A malformed body is a 200 that is not JSON")
    func malformed() async throws {
        try await SimulatorHarness.with(faults: [FaultRule(kind: .malformedBody)]) { sim async throws in
            let answer = try await sim.get(Self.jobs)
            #expect(answer.status == 200)
            #expect(answer.json == nil)
            #expect(try await sim.get(Self.jobs).json != nil)
        }
    }

    @Test("A truncated body declares the full length and closes after half of it")
    func truncated() async throws {
        try await SimulatorHarness.with(faults: [FaultRule(kind: .truncatedBody)]) { sim async throws in
            do {
                let answer = try await sim.get(Self.jobs, key: SimulatorHarness.key)
                // A client that does not notice the early close still gets only half the JSON.
                let declared = answer.headers[.contentLength].flatMap { Int($0) } ?? 0
                #expect(answer.body.count < declared)
                #expect(answer.json == nil)
            } catch {
                // The connection closed before the declared length: what a client should see.
            }
            let whole = try await sim.get(Self.jobs)
            #expect(whole.json != nil)
        }
    }

    @Test("A wrong shape is valid JSON that is not a list")
    func wrongShape() async throws {
        try await SimulatorHarness.with(faults: [FaultRule(kind: .wrongShape)]) { sim async throws in
            let answer = try await sim.get(Self.jobs)
            #expect(answer.status == 200)
            #expect(answer.json != nil)
            #expect(answer.json?["object"] == nil)
            #expect(answer.data.isEmpty)
        }
    }

    @Test("Faults are set and cleared over the control endpoints, which are not counted")
    func controlEndpoints() async throws {
        try await SimulatorHarness.with { sim async throws in
            let added = try await sim.request(
                .post, "/_sim/faults", key: nil, body: Array(#"{"spec": "503:count=always"}"#.utf8))
            #expect(added.status == 200)
            #expect(try await sim.get(Self.jobs).status == 503)
            #expect(try await sim.get(Self.jobs).status == 503)
            let bad = try await sim.request(
                .post, "/_sim/faults", key: nil, body: Array(#"{"spec": "teapot"}"#.utf8))
            #expect(bad.status == 400)
            #expect(try await sim.request(.delete, "/_sim/faults", key: nil).status == 200)
            #expect(try await sim.get(Self.jobs).status == 200)
            let log = try await sim.get("/_sim/requests", key: nil)
            #expect(log.json?["total"] == .int(3))
            #expect(await sim.simulator.faults().isEmpty)
        }
    }
}
