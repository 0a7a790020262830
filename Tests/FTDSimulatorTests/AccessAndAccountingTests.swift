import Hummingbird
import Testing

@testable import FTDSimulator

@Suite("Authentication, request ids and request accounting")
struct AccessAndAccountingTests {
    @Test(
        "No key, an empty key or a revoked key answers 401 in the error envelope",
        arguments: [
            (nil as String?, false), ("", false), ("sk-revoked-123456789", true),
        ])
    func unauthorized(key: String?, revoked: Bool) async throws {
        try await SimulatorHarness.with(revokedKeys: ["sk-revoked-123456789"]) { sim async throws in
            let answer = try await sim.get("/v1/fine_tuning/jobs", key: key)
            #expect(answer.status == 401)
            #expect(answer.json?["error"]?["type"] == .string("invalid_request_error"))
            #expect(Set(answer.json?["error"]?.objectKeys ?? []) == ["message", "type", "param", "code"])
            #expect(answer.json?["error"]?["code"] == (revoked ? .string("invalid_api_key") : .null))
        }
    }

    @Test("A key revoked at run time stops working")
    func revokeLater() async throws {
        try await SimulatorHarness.with { sim async throws in
            #expect(try await sim.get("/v1/fine_tuning/jobs").status == 200)
            await sim.simulator.revokeKey(SimulatorHarness.key)
            let answer = try await sim.get("/v1/fine_tuning/jobs")
            #expect(answer.status == 401)
            #expect(answer.json?["error"]?["message"]?.stringValue?.contains(SimulatorHarness.key) == false)
        }
    }

    @Test("Every answer carries a distinct x-request-id")
    func requestIDs() async throws {
        try await SimulatorHarness.with { sim async throws in
            let answers = [
                try await sim.get("/v1/fine_tuning/jobs"),
                try await sim.get("/v1/fine_tuning/jobs", key: nil),
                try await sim.get("/v1/fine_tuning/jobs/ftjob-nope"),
                try await sim.get("/v1/nowhere"),
                try await sim.get("/_sim/requests", key: nil),
            ]
            let ids = answers.compactMap { $0.headers[.requestID] }
            #expect(ids.count == answers.count)
            #expect(Set(ids).count == ids.count)
            #expect(ids.allSatisfy { $0.hasPrefix("req_") })
            #expect(answers[3].status == 404)
            #expect(answers[3].json?["error"]?["message"] == .string("Invalid URL (GET /v1/nowhere)"))
        }
    }

    @Test("Every /v1 request is logged in order with method, path and query; /_sim ones are not")
    func accounting() async throws {
        try await SimulatorHarness.with(faults: [FaultRule(kind: .status(500), pathContains: "limit=3")]) {
            sim async throws in
            let id = try await sim.elleJobID()
            _ = try await sim.get("/v1/fine_tuning/jobs?limit=3")
            _ = try await sim.get("/v1/fine_tuning/jobs/\(id)/events?after=x&limit=5")
            _ = try await sim.get("/v1/fine_tuning/jobs", key: nil)
            _ = try await sim.post("/v1/fine_tuning/jobs/\(id)/cancel")
            _ = try await sim.request(.post, "/_sim/clock/advance?seconds=5", key: nil)
            let expected = [
                "GET /v1/fine_tuning/jobs?limit=3",
                "GET /v1/fine_tuning/jobs/\(id)/events?after=x&limit=5",
                "GET /v1/fine_tuning/jobs",
                "POST /v1/fine_tuning/jobs/\(id)/cancel",
            ]
            #expect(await sim.simulator.requestLog() == expected)
            let overHTTP = try await sim.get("/_sim/requests", key: nil)
            #expect(overHTTP.json?["total"] == .int(4))
            #expect(overHTTP.json?["requests"]?.arrayValue?.compactMap(\.stringValue) == expected)
            #expect(try await sim.request(.post, "/_sim/requests/reset", key: nil).status == 200)
            #expect(await sim.simulator.requestLog().isEmpty)
            _ = try await sim.get("/v1/fine_tuning/jobs")
            #expect(await sim.simulator.requestLog() == ["GET /v1/fine_tuning/jobs"])
        }
    }

    @Test("The clock control endpoint advances the manual clock")
    func clockAdvance() async throws {
        try await SimulatorHarness.with { sim async throws in
            let id = try await sim.elleJobID()
            let answer = try await sim.request(.post, "/_sim/clock/advance?seconds=310", key: nil)
            #expect(answer.json?["now"] == .int(SimulatorHarness.start + 310))
            #expect(try await sim.get("/v1/fine_tuning/jobs/\(id)").json?["status"] == .string("succeeded"))
            #expect(try await sim.request(.post, "/_sim/clock/advance?seconds=-1", key: nil).status == 400)
        }
    }

    @Test("A scaled clock at speed 20 finishes Elle within seconds, and stop() frees the port")
    func scaledClock() async throws {
        let simulator = FineTuningSimulator(
            configuration: SimulatorConfiguration(speed: 2_000), logger: .init(label: "ftd.sim.test")
        )
        try await simulator.start()
        let port = await simulator.port
        #expect(port > 0)
        #expect(await simulator.baseURL == "http://127.0.0.1:\(port)/v1")
        let sim = SimulatorHarness(simulator: simulator, port: port)
        let id = try await sim.elleJobID()
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        var status = ""
        while ContinuousClock.now < deadline {
            status = try await sim.get("/v1/fine_tuning/jobs/\(id)").json?["status"]?.stringValue ?? ""
            if status == "succeeded" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(status == "succeeded")
        await simulator.stop()
        await #expect(throws: (any Error).self) { _ = try await sim.get("/v1/fine_tuning/jobs") }
    }

    @Test("stop() does not wait out a long injected delay")
    func stopDuringDelay() async throws {
        let simulator = FineTuningSimulator(
            configuration: SimulatorConfiguration(
                clock: .manual(start: 0), faults: [FaultRule(kind: .delay(60))]),
            logger: .init(label: "ftd.sim.test")
        )
        try await simulator.start()
        let sim = SimulatorHarness(simulator: simulator, port: await simulator.port)
        let pending = Task { try await sim.get("/v1/fine_tuning/jobs") }
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while await simulator.requestLog().isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let start = ContinuousClock.now
        await simulator.stop()
        // The watchdog cuts the held connection after 5 s; half the injected 60 s leaves a
        // loaded machine room to wind the server down (10 s did not, in CI).
        #expect(start.duration(to: .now) < .seconds(30))
        _ = try? await pending.value
    }
}
