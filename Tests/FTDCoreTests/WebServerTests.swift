import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import FTDConfig
@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore
@testable import FTDWeb

/// The JSON API, `/healthz` and the access rules of SPEC section 9, through the router.
struct WebServerTests {
    typealias S = StoreSample
    static let loopback = HTTPSettings(host: "127.0.0.1", port: 0)
    static let token = "0123456789abcdef0123"

    /// A store with two jobs, the first with 1,000 steps and a spike at step 500.
    static func store() throws -> SQLiteStore {
        let database = try AppDatabase.inMemory()
        var cycle = CycleRecord(
            observedAt: 100,
            jobs: [
                S.job("ftjob-aaa", "running", createdAt: 2_000),
                S.job("ftjob-bbb", "succeeded", createdAt: 1_000, fineTunedModel: "ft:x<script>"),
            ])
        cycle.steps = (1...1000).map { step in
            LossStep(
                jobID: "ftjob-aaa", step: step, totalSteps: 1000,
                trainLoss: step == 500 ? 9.5 : 2.0 / Double(step))
        }
        try database.record(cycle: cycle)
        return SQLiteStore(database)
    }

    static func server(
        _ store: SQLiteStore, settings: HTTPSettings = loopback, token: String? = nil, now: Int64 = 1_000
    ) -> WebServer {
        var server = WebServer(
            settings: settings, token: token, store: store, poll: PollSettings(), logger: S.logger)
        server.now = { now }
        return server
    }

    static func get(
        _ server: WebServer, _ uri: String, headers: HTTPFields = [:],
        method: HTTPRequest.Method = .get
    ) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
        let application = Application(router: server.router())
        return try await application.test(.router) { client in
            try await client.execute(uri: uri, method: method, headers: headers) { response in
                (response.status, response.headers, String(buffer: response.body))
            }
        }
    }

    @Test func theJobsAreTheJSONOfHistoryWithTheirAccount() async throws {
        let store = try Self.store()
        let answer = try await Self.get(Self.server(store), "/api/jobs")
        #expect(answer.status == .ok)
        let expected = try await store.jobSummaries(status: nil, limit: nil).map {
            HistoryJSON.summary($0, prices: PriceBook())
        }
        #expect(answer.body == JSONValue.array(expected).rendered(pretty: false) + "\n")
        #expect(answer.body.hasPrefix(#"[{"id":"ftjob-aaa","account":"default","status":"running""#))
        // API text stays JSON text: a browser never reads it as markup.
        #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
        #expect(answer.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'self'") == true)

        #expect(
            try await Self.get(Self.server(store), "/api/jobs?status=succeeded").body.contains("ftjob-bbb"))
        #expect(
            !(try await Self.get(Self.server(store), "/api/jobs?status=succeeded").body.contains("ftjob-aaa"))
        )
        #expect(
            try await Self.get(Self.server(store), "/api/jobs?limit=1").body.components(separatedBy: "\"id\"")
                .count == 2)
        #expect(try await Self.get(Self.server(store), "/api/jobs?account=other").body == "[]\n")
        #expect(try await Self.get(Self.server(store), "/api/jobs?limit=0").status == .badRequest)
    }

    @Test func aJobIsItsHistoryJSONAndMaxPointsKeepsTheSpike() async throws {
        let store = try Self.store()
        let whole = try await Self.get(Self.server(store), "/api/jobs/default/ftjob-aaa")
        #expect(whole.status == .ok)
        #expect(whole.body.hasPrefix(#"{"job":{"id":"ftjob-aaa","account":"default""#))
        #expect(whole.body.components(separatedBy: "\"step\":").count - 1 == 1000)

        let sampled = try await Self.get(Self.server(store), "/api/jobs/default/ftjob-a?max_points=50")
        let steps = sampled.body.components(separatedBy: "\"step\":").dropFirst().compactMap {
            Int($0.prefix { $0.isNumber })
        }
        #expect(steps.count <= 50)
        #expect(steps.first == 1)
        #expect(steps.last == 1000)
        #expect(steps.contains(500))

        #expect(try await Self.get(Self.server(store), "/api/jobs/default/ftjob-zzz").status == .notFound)
        // Ambiguous: both jobs begin so.
        #expect(try await Self.get(Self.server(store), "/api/jobs/default/ftjob-").status == .notFound)
        #expect(try await Self.get(Self.server(store), "/api/jobs/other/ftjob-aaa").status == .notFound)
        #expect(
            try await Self.get(Self.server(store), "/api/jobs/default/ftjob-aaa?max_points=x").status
                == .badRequest)
    }

    @Test func healthReportsTheLastCycle() async throws {
        let store = try Self.store()
        let none = try await Self.get(Self.server(store), "/healthz")
        #expect(none.status == .serviceUnavailable)
        #expect(none.body.contains("no poll cycle"))

        try await store.recordCycleOutcome(
            CycleOutcome(finishedAt: 1_000, result: .complete, nextCycleAt: 1_030))
        let fresh = try await Self.get(Self.server(store, now: 1_050), "/healthz")
        #expect(fresh.status == .ok)
        #expect(fresh.body == #"{"ok":true}"# + "\n")
        #expect(try await Self.get(Self.server(store, now: 1_091), "/healthz").status == .serviceUnavailable)

        // Idle: the next cycle was scheduled 300 s on; three of those are allowed.
        try await store.recordCycleOutcome(
            CycleOutcome(finishedAt: 2_000, result: .complete, nextCycleAt: 2_300))
        #expect(try await Self.get(Self.server(store, now: 2_800), "/healthz").status == .ok)

        try await store.recordCycleOutcome(CycleOutcome(finishedAt: 3_000, result: .failed, error: "503"))
        let failed = try await Self.get(Self.server(store, now: 3_001), "/healthz")
        #expect(failed.status == .serviceUnavailable)
        #expect(failed.body.contains("failed"))
    }

    /// SPEC sections 8 and 9: healthy only while every configured account's last cycle
    /// completed recently; the reason names each account that is not.
    @Test func healthIsEveryAccountsAndNamesTheFailingOnes() async throws {
        let store = try Self.store()
        func health(_ now: Int64) async throws -> (status: HTTPResponse.Status, body: String) {
            var server = WebServer(
                settings: Self.loopback, token: nil, store: store, poll: PollSettings(), logger: S.logger,
                accounts: ["research", "team", "azure-eu"])
            server.now = { now }
            let answer = try await Self.get(server, "/healthz")
            return (answer.status, answer.body)
        }
        try await store.recordCycleOutcome(
            CycleOutcome(finishedAt: 1_000, result: .complete, nextCycleAt: 1_030), account: "research")
        try await store.recordCycleOutcome(
            CycleOutcome(finishedAt: 1_000, result: .failed, error: "HTTP 401"), account: "team")
        let first = try await health(1_010)
        #expect(first.status == .serviceUnavailable)
        #expect(
            first.body.contains("account team: the last poll cycle was failed: HTTP 401"), "\(first.body)")
        #expect(first.body.contains("account azure-eu: no poll cycle has been recorded yet"), "\(first.body)")
        #expect(!first.body.contains("account research"), "\(first.body)")

        for account in ["team", "azure-eu"] {
            try await store.recordCycleOutcome(
                CycleOutcome(finishedAt: 1_005, result: .complete, nextCycleAt: 1_035), account: account)
        }
        #expect(try await health(1_010).status == .ok)
        // One account's cycles stop: the others' do not make up for it.
        try await store.recordCycleOutcome(
            CycleOutcome(finishedAt: 1_200, result: .complete, nextCycleAt: 1_230), account: "research")
        try await store.recordCycleOutcome(
            CycleOutcome(finishedAt: 1_200, result: .complete, nextCycleAt: 1_230), account: "azure-eu")
        let stale = try await health(1_210)
        #expect(stale.status == .serviceUnavailable)
        #expect(
            stale.body.contains("account team: the last complete poll cycle finished 205 s ago"),
            "\(stale.body)")
    }

    /// The router's test client addresses every request to `localhost`; the names it
    /// could carry are judged here (and end to end in `ServeCommandTests`).
    @Test(arguments: [
        ("localhost:8327", true), ("127.0.0.1:8327", true), ("[::1]:8327", true), ("localhost", true),
        ("LOCALHOST:1", true), ("10.0.0.5:8327", false), ("evil.example", false),
        ("evil.example:8327", false),
        ("127.0.0.1.evil.example", false), ("", false), ("[::1]", true), ("localhost.", false),
        ("127.0.0.1:80@evil.example", false), ("127.0.0.1:evil", false),
        ("localhost:80, evil.example", false),
        ("[::1]x", false), ("[::1]:80x", false), ("[::1", false),
    ])
    func onLoopbackOnlyRequestsAddressedToThisMachineAreServed(_ host: String, _ allowed: Bool) {
        #expect(AccessGuard<BasicRequestContext>.hostAllowed(host, listening: "127.0.0.1") == allowed)
    }

    @Test func theListenAddressItselfIsAllowed() {
        #expect(AccessGuard<BasicRequestContext>.hostAllowed("127.0.0.2:80", listening: "127.0.0.2"))
        #expect(!AccessGuard<BasicRequestContext>.hostAllowed(nil, listening: "127.0.0.1"))
    }

    @Test func nothingButGetIsServed() async throws {
        let server = Self.server(try Self.store())
        for method in [HTTPRequest.Method.post, .put, .delete, .patch, .options] {
            let answer = try await Self.get(server, "/api/jobs", method: method)
            #expect(answer.status == .methodNotAllowed)
            #expect(answer.headers[.allow] == "GET, HEAD")
        }
    }

    /// HEAD is GET without its body: what a health checker may send.
    @Test func headIsAnsweredAsGetWithoutTheBody() async throws {
        let server = Self.server(try Self.store(), now: 1_000)
        let head = try await Self.get(server, "/api/jobs", method: .head)
        #expect(head.status == .ok)
        #expect(head.body.isEmpty)
        #expect(head.headers[.contentType] == "application/json; charset=utf-8")
        #expect(try await Self.get(server, "/healthz", method: .head).status == .serviceUnavailable)
        // The token rules hold for HEAD too.
        let guarded = Self.server(try Self.store(), token: Self.token)
        #expect(try await Self.get(guarded, "/api/jobs", method: .head).status == .unauthorized)
    }

    @Test func withATokenEveryRequestMustCarryIt() async throws {
        let server = Self.server(
            try Self.store(), settings: HTTPSettings(host: "0.0.0.0", port: 0, tokenFile: "/t"),
            token: Self.token)
        #expect(try await Self.get(server, "/api/jobs", headers: [:]).status == .unauthorized)
        let bearer: HTTPFields = [.authorization: "Bearer \(Self.token)"]
        #expect(try await Self.get(server, "/api/jobs", headers: bearer).status == .ok)
        for scheme in ["bearer", "BEARER"] {
            let spelled: HTTPFields = [.authorization: "\(scheme) \(Self.token)"]
            #expect(try await Self.get(server, "/api/jobs", headers: spelled).status == .ok)
        }
        let wrong: HTTPFields = [.authorization: "Bearer \(Self.token)x"]
        #expect(try await Self.get(server, "/api/jobs", headers: wrong).status == .unauthorized)
        // Opening /?token= once sets a cookie only this site sends, and leaves the address bar.
        let login = try await Self.get(server, "/?token=\(Self.token)", headers: [:])
        #expect(login.status == .seeOther)
        #expect(login.headers[.location] == "/")
        let cookie = try #require(login.headers[.setCookie])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        let withCookie: HTTPFields = [.cookie: String(cookie.prefix { $0 != ";" })]
        #expect(try await Self.get(server, "/api/jobs", headers: withCookie).status == .ok)
        #expect(try await Self.get(server, "/?token=nope", headers: [:]).status == .unauthorized)
    }

    @Test(arguments: [
        ("127.0.0.1:8327", "127.0.0.1", 8327), ("localhost:0", "localhost", 0), ("[::1]:8327", "::1", 8327),
        ("0.0.0.0:80", "0.0.0.0", 80),
    ])
    func listenIsHostAndPort(_ text: String, _ host: String, _ port: Int) {
        let parsed = HTTPSettings.parseListen(text)
        #expect(parsed?.host == host)
        #expect(parsed?.port == port)
    }

    @Test(arguments: ["8327", "127.0.0.1", "127.0.0.1:99999", "::1:8327", ":8327", "127.0.0.1:-1", "a b:1"])
    func aBadListenIsRefused(_ text: String) {
        #expect(HTTPSettings.parseListen(text) == nil)
    }
}
