import Testing

@testable import FTDSimulator

@Suite("FaultRule")
struct FaultRuleTests {
    @Test(
        "Specs parse into rules",
        arguments: [
            (
                "429:retry-after=2:count=3:path=/events",
                FaultRule(kind: .status(429, retryAfter: "2"), pathContains: "/events", count: 3)
            ),
            ("500:count=2", FaultRule(kind: .status(500), count: 2)),
            ("503", FaultRule(kind: .status(503), count: 1)),
            (
                "429:retry-after-ms=1500:should-retry=false",
                FaultRule(kind: .status(429, retryAfterMs: "1500", shouldRetry: false))
            ),
            ("delay=40:count=1", FaultRule(kind: .delay(40), count: 1)),
            ("malformed:count=1", FaultRule(kind: .malformedBody, count: 1)),
            ("truncated:path=/jobs", FaultRule(kind: .truncatedBody, pathContains: "/jobs")),
            ("wrong-shape:count=always", FaultRule(kind: .wrongShape, count: .max)),
        ])
    func parses(spec: String, rule: FaultRule) throws {
        #expect(try FaultRule.parse(spec) == rule)
    }

    @Test(
        "Bad specs are rejected with a reason",
        arguments: [
            "", "200", "teapot", "500:count=0", "500:count", "delay=x", "500:colour=red",
            "429:should-retry=maybe",
        ])
    func rejects(spec: String) {
        #expect(throws: FaultSpecError.self) { try FaultRule.parse(spec) }
    }

    @Test("JSON rules from the control endpoint")
    func json() throws {
        let spec = try FaultRule.parse(json: .object([("spec", .string("500:count=2"))]))
        #expect(spec == FaultRule(kind: .status(500), count: 2))
        let status = try FaultRule.parse(
            json: SimJSON.parse(
                #"{"kind":"status","status":429,"retry_after":"3","path":"/events","count":2}"#)!)
        #expect(status == FaultRule(kind: .status(429, retryAfter: "3"), pathContains: "/events", count: 2))
        let delay = try FaultRule.parse(json: SimJSON.parse(#"{"kind":"delay","seconds":1.5}"#)!)
        #expect(delay == FaultRule(kind: .delay(1.5)))
        #expect(throws: FaultSpecError.self) {
            try FaultRule.parse(json: SimJSON.parse(#"{"kind":"status","status":200}"#)!)
        }
    }

    @Test("A rule hits only matching requests and is spent after count hits")
    func injectorCounts() {
        var injector = FaultInjector(rules: [FaultRule(kind: .status(429), pathContains: "/events", count: 2)]
        )
        #expect(injector.take(for: "/v1/fine_tuning/jobs") == nil)
        #expect(injector.take(for: "/v1/fine_tuning/jobs/x/events?limit=5") == .status(429))
        #expect(injector.take(for: "/v1/fine_tuning/jobs/x/events") == .status(429))
        #expect(injector.take(for: "/v1/fine_tuning/jobs/x/events") == nil)
        #expect(injector.rules.isEmpty)
    }

    @Test("Rules apply in the order they were added; an unlimited one is never spent")
    func injectorOrder() {
        var injector = FaultInjector()
        injector.add(FaultRule(kind: .malformedBody, count: 1))
        injector.add(FaultRule(kind: .wrongShape, count: .max))
        #expect(injector.take(for: "/v1/files") == .malformedBody)
        for _ in 0..<5 { #expect(injector.take(for: "/v1/files") == .wrongShape) }
        injector.clear()
        #expect(injector.take(for: "/v1/files") == nil)
    }
}
