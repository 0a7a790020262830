import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import FTDConfig
@testable import FTDModel
@testable import FTDStore
@testable import FTDWeb

/// The dashboard's pages, files and the JSON they read (SPEC section 9), through the router.
struct DashboardRouteTests {
    typealias S = StoreSample
    typealias W = WebServerTests

    /// Three jobs: a running one with 1,000 steps, 1,000 metrics events and a few
    /// messages; a hostile finished one; a failed one.
    static func store() throws -> SQLiteStore {
        let database = try AppDatabase.inMemory()
        var running = S.job("ftjob-aaa", "running", createdAt: 3_000)
        running.suffix = "elle"
        running.estimatedFinish = 9_000
        running.raw = .object([
            "id": .string("ftjob-aaa"), "status": .string("running"), "suffix": .string("elle"),
            "hyperparameters": .object(["n_epochs": .int(3)]),
        ])
        var hostile = S.job("ftjob-bbb", "succeeded", createdAt: 2_000, fineTunedModel: "ft:x:<img src=x>")
        hostile.suffix = "<script>alert(1)</script>"
        var cycle = CycleRecord(
            observedAt: 100, jobs: [running, hostile, S.job("ftjob-ccc", "failed", createdAt: 1_000)])
        cycle.steps = (1...1000).map { step in
            LossStep(jobID: "ftjob-aaa", step: step, totalSteps: 1200, trainLoss: 2.0 / Double(step))
        }
        var events = (1...1000).map { step in
            JobEvent(
                id: "ftevent-m\(step)", jobID: "ftjob-aaa", createdAt: 3_000 + Int64(step), level: "info",
                type: "metrics", message: "Step \(step)/1200: training loss=\(2.0 / Double(step))")
        }
        events.append(S.event("ftevent-start", job: "ftjob-aaa", at: 3_000, "Fine-tuning job started"))
        events.append(
            JobEvent(
                id: "ftevent-warn", jobID: "ftjob-aaa", createdAt: 3_500, level: "warn", type: "message",
                message: "Slow <b>data</b> loader"))
        cycle.events = ["ftjob-aaa": events]
        try database.record(cycle: cycle)
        return SQLiteStore(database)
    }

    static func json(_ body: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(body.utf8))
    }

    @Test func pagesAreShellsWithoutDataUnderTheContentSecurityPolicy() async throws {
        let server = W.server(try Self.store())
        for (path, page) in [
            ("/", "jobs"), ("/jobs/default/ftjob-bbb", "job"),
            ("/compare?jobs=ftjob-aaa,ftjob-bbb", "compare"),
        ] {
            let answer = try await W.get(server, path)
            #expect(answer.status == .ok, "\(path)")
            #expect(answer.headers[.contentType] == "text/html; charset=utf-8")
            #expect(answer.headers[.contentSecurityPolicy] == "default-src 'self'; frame-ancestors 'none'")
            #expect(answer.body.contains(#"<body data-page="\#(page)">"#))
            #expect(answer.body.contains(#"<script type="module" src="/assets/app.js"></script>"#))
            // The shell carries nothing of the job: the script reads the JSON.
            #expect(!answer.body.contains("ftjob-"), "\(path)")
            #expect(!answer.body.contains("<script>alert"))
            // No inline script or style that the policy would have to allow.
            #expect(answer.body.components(separatedBy: "<script").count == 2)
            #expect(!answer.body.contains("style="))
        }
    }

    @Test(arguments: [
        ("app.js", "text/javascript; charset=utf-8"), ("app.css", "text/css; charset=utf-8"),
        ("icon.svg", "image/svg+xml"),
    ])
    func theAssetsAreCompiledIn(_ name: String, _ type: String) async throws {
        let answer = try await W.get(W.server(try Self.store()), "/assets/\(name)")
        #expect(answer.status == .ok)
        #expect(answer.headers[.contentType] == type)
        #expect(answer.headers[.xContentTypeOptions] == "nosniff")
        #expect(!answer.body.isEmpty)
        #expect(try await W.get(W.server(try Self.store()), "/assets/../Package.swift").status == .notFound)
        #expect(try await W.get(W.server(try Self.store()), "/assets/none.js").status == .notFound)
    }

    @Test func theScriptNeverTurnsTextIntoMarkup() throws {
        let script = String(decoding: PackageResources.app_js, as: UTF8.self)
        for sink in [
            "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
        ] {
            #expect(!script.contains(sink), "app.js uses \(sink)")
        }
    }

    @Test func aJobIdAloneLeadsToItsPage() async throws {
        let server = W.server(try Self.store())
        let found = try await W.get(server, "/jobs/aaa")
        #expect(found.status == .found)
        #expect(found.headers[.location] == "/jobs/default/ftjob-aaa")
        #expect(try await W.get(server, "/jobs/ftjob-bbb").headers[.location] == "/jobs/default/ftjob-bbb")
        #expect(try await W.get(server, "/jobs/ftjob-").status == .notFound)  // ambiguous
        #expect(try await W.get(server, "/jobs/zzz").status == .notFound)
    }

    /// The pages build their URLs with encodeURIComponent and `/jobs/{id}` answers with an
    /// encoded Location: the server reads a percent-encoded id as the id it encodes.
    @Test func aPercentEncodedIdNamesTheSameJob() async throws {
        let server = W.server(try Self.store())
        for path in [
            "/api/jobs/default/ftjob%2Daaa", "/api/jobs/default/ftjob%2Daaa/job",
            "/api/jobs/default/ftjob%2Daaa/events", "/api/jobs/%64efault/ftjob-aaa",
        ] {
            let answer = try await W.get(server, path)
            #expect(answer.status == .ok, "\(path)")
            #expect(answer.body.contains(path.hasSuffix("/events") ? "ftevent-" : "ftjob-aaa"), "\(path)")
        }
        #expect(try await W.get(server, "/jobs/ftjob%2Daaa").headers[.location] == "/jobs/default/ftjob-aaa")
        // Decoding makes no way out of the site: `%2F%2Fevil.com` is an unknown id.
        let away = try await W.get(server, "/jobs/%2F%2Fevil.com")
        #expect(away.status == .notFound)
        #expect(away.headers[.location] == nil)
    }

    @Test func infoTellsThePagesThePollIntervalAndWhetherTheServerOnlyReads() async throws {
        var poll = PollSettings()
        poll.interval = 7
        let server = WebServer(
            settings: W.loopback, token: nil, store: try Self.store(), poll: poll, logger: S.logger,
            version: "9.9.9", readOnly: true)
        let answer = try await W.get(server, "/api/info")
        #expect(
            answer.body
                == #"{"version":"9.9.9","poll_interval":7,"accounts":["default"],"read_only":true}"# + "\n")
    }

    @Test func theOverviewPagesFiltersAndSearchesTheJobs() async throws {
        let server = W.server(try Self.store())
        let all = try #require(try Self.json(try await W.get(server, "/api/overview").body) as? [String: Any])
        #expect(all["total"] as? Int == 3)
        let jobs = try #require(all["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["id"] as? String } == ["ftjob-aaa", "ftjob-bbb", "ftjob-ccc"])
        let first = jobs[0]
        #expect(first["account"] as? String == "default")
        #expect(first["suffix"] as? String == "elle")
        #expect(first["total_steps"] as? Int == 1200)
        #expect(first["steps"] as? Int == 1000)
        #expect(first["estimated_finish"] as? Int == 9_000)
        let spark = try #require(first["spark"] as? [Double])
        #expect(spark.count == 40)
        #expect(spark.first == 2.0)
        #expect(spark.last == 2.0 / 1000)
        #expect(jobs[2]["spark"] as? [Double] == [])
        #expect(jobs[2]["total_steps"] is NSNull)

        let paged = try #require(
            try Self.json(try await W.get(server, "/api/overview?limit=1&offset=1").body) as? [String: Any])
        #expect(paged["total"] as? Int == 3)
        #expect((paged["jobs"] as? [[String: Any]])?.map { $0["id"] as? String } == ["ftjob-bbb"])

        for (query, ids) in [
            ("status=failed", ["ftjob-ccc"]), ("q=ELLE", ["ftjob-aaa"]), ("q=%3Cscript", ["ftjob-bbb"]),
            ("q=%25", []), ("q=ftjob-c", ["ftjob-ccc"]), ("account=other", []),
        ] {
            let answer = try #require(
                try Self.json(try await W.get(server, "/api/overview?\(query)").body) as? [String: Any])
            #expect((answer["jobs"] as? [[String: Any]])?.map { $0["id"] as? String } == ids, "\(query)")
        }
        #expect(try await W.get(server, "/api/overview?limit=0").status == .badRequest)
        #expect(try await W.get(server, "/api/overview?limit=501").status == .badRequest)
        #expect(try await W.get(server, "/api/overview?offset=-1").status == .badRequest)
    }

    @Test func aJobIsAlsoServedAsTheAPISentIt() async throws {
        let server = W.server(try Self.store())
        let answer = try await W.get(server, "/api/jobs/default/aaa/job")
        #expect(answer.status == .ok)
        // The stored object (keys sorted, as stored), with the account after the id.
        #expect(answer.body.contains(#""id":"ftjob-aaa","account":"default","status":"running""#))
        #expect(answer.body.contains(#""hyperparameters":{"n_epochs":3}"#))
        #expect(try await W.get(server, "/api/jobs/other/ftjob-aaa/job").status == .notFound)
        #expect(try await W.get(server, "/api/jobs/default/zzz/job").status == .notFound)
    }

    @Test func eventsComeNewestFirstAPageAtATime() async throws {
        let server = W.server(try Self.store())
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let uri = "/api/jobs/default/ftjob-aaa/events?limit=300" + (cursor.map { "&before=\($0)" } ?? "")
            let page = try #require(try Self.json(try await W.get(server, uri).body) as? [String: Any])
            #expect(page["total"] as? Int == 1002)
            let events = try #require(page["events"] as? [[String: Any]])
            #expect(events.count <= 300)
            seen += events.compactMap { $0["id"] as? String }
            cursor = page["next"] as? String
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 4)
        #expect(seen.count == 1002)
        #expect(Set(seen).count == 1002)
        #expect(seen.first == "ftevent-m1000")
        #expect(seen.last == "ftevent-start")

        let warned = try #require(
            try Self.json(try await W.get(server, "/api/jobs/default/ftjob-aaa/events?level=warn").body)
                as? [String: Any])
        let warnings = try #require(warned["events"] as? [[String: Any]])
        #expect(warned["total"] as? Int == 1)
        #expect(warnings.first?["message"] as? String == "Slow <b>data</b> loader")
        #expect(warnings.first?["cursor"] as? String != nil)

        let searched = try #require(
            try Self.json(try await W.get(server, "/api/jobs/default/ftjob-aaa/events?q=STEP%2099").body)
                as? [String: Any])
        // Step 99 and Step 990…999.
        #expect(searched["total"] as? Int == 11)
        // A form's `+` is a space; `%2B` a plus.
        for (query, total) in [("STEP+99", 11), ("STEP%2B99", 0)] {
            let answer = try #require(
                try Self.json(try await W.get(server, "/api/jobs/default/ftjob-aaa/events?q=\(query)").body)
                    as? [String: Any])
            #expect(answer["total"] as? Int == total, "\(query)")
        }

        // What is new since a cursor: a live page's question.
        let newest = try #require(
            try Self.json(try await W.get(server, "/api/jobs/default/ftjob-aaa/events?limit=3").body)
                as? [String: Any])
        let third = try #require((newest["events"] as? [[String: Any]])?.last?["cursor"] as? String)
        let since = try #require(
            try Self.json(try await W.get(server, "/api/jobs/default/ftjob-aaa/events?after=\(third)").body)
                as? [String: Any])
        #expect(
            (since["events"] as? [[String: Any]])?.map { $0["id"] as? String } == [
                "ftevent-m1000", "ftevent-m999",
            ])

        for bad in ["limit=0", "limit=1001", "before=x", "after=1.", "level=debug"] {
            #expect(
                try await W.get(server, "/api/jobs/default/ftjob-aaa/events?\(bad)").status == .badRequest,
                "\(bad)")
        }
        #expect(try await W.get(server, "/api/jobs/default/zzz/events").status == .notFound)
    }

    @Test func theChartViewOfAJobLeavesOutTheMetricsEvents() async throws {
        let server = W.server(try Self.store())
        let whole = try #require(
            try Self.json(try await W.get(server, "/api/jobs/default/ftjob-aaa").body) as? [String: Any])
        #expect((whole["events"] as? [Any])?.count == 1002)
        let chart = try #require(
            try Self.json(try await W.get(server, "/api/jobs/default/ftjob-aaa?max_points=100").body)
                as? [String: Any])
        let events = try #require(chart["events"] as? [[String: Any]])
        #expect(events.map { $0["id"] as? String } == ["ftevent-start", "ftevent-warn"])
        #expect((chart["steps"] as? [Any])?.count ?? 0 <= 100)
    }

    /// A live page asks for its chart every few seconds: the steps are read and
    /// downsampled once while the job's curve stays the same, and again when it grows or
    /// the entry is a minute old.
    @Test func aChartIsReadOnceWhileItsCurveStaysTheSame() async throws {
        let store = try Self.store()
        var server = W.server(store, now: 1_000)
        let uri = "/api/jobs/default/ftjob-aaa?max_points=100"
        let first = try await W.get(server, uri).body
        #expect(server.charts.count == 1)
        // A step rewritten in place (same count, same last loss) is not seen at once...
        try await store.database.writer.write { db in
            try db.execute(
                sql: """
                    UPDATE step_rows SET train_loss = 7.25
                    WHERE job_key = (SELECT job_key FROM job_keys WHERE id = 'ftjob-aaa') AND step = 2
                    """)
        }
        #expect(try await W.get(server, uri).body == first)
        // ...but within the entry's lifetime.
        let later = 1_000 + server.charts.lifetime
        server.now = { later }
        #expect(try await W.get(server, uri).body.contains("7.25"))

        // A new step is seen at once.
        var cycle = CycleRecord(observedAt: 200, jobs: [S.job("ftjob-aaa", "running", createdAt: 3_000)])
        cycle.steps = [LossStep(jobID: "ftjob-aaa", step: 1001, totalSteps: 1200, trainLoss: 0.001)]
        try store.database.record(cycle: cycle)
        #expect(try await W.get(server, uri).body.contains(#""step":1001"#))
        #expect(server.charts.count == 1)
    }

    @Test func theDashboardNeedsTheTokenToo() async throws {
        let server = W.server(try Self.store(), token: W.token)
        for path in [
            "/", "/assets/app.js", "/api/overview", "/api/info", "/api/jobs/default/aaa/events", "/jobs/aaa",
        ] {
            #expect(try await W.get(server, path).status == .unauthorized, "\(path)")
        }
        let bearer: HTTPFields = [.authorization: "Bearer \(W.token)"]
        #expect(try await W.get(server, "/api/overview", headers: bearer).status == .ok)
    }
}

/// gzip when the client takes it, for the dashboard's text.
struct ResponseCompressionTests {
    typealias W = WebServerTests

    @Test func largeTextIsSentGzippedToAClientThatTakesIt() async throws {
        let server = W.server(try DashboardRouteTests.store())
        let plain = try await W.get(server, "/api/jobs/default/ftjob-aaa")
        #expect(plain.headers[.contentEncoding] == nil)
        let application = Application(router: server.router())
        let (headers, body) = try await application.test(.router) { client in
            try await client.execute(
                uri: "/api/jobs/default/ftjob-aaa", method: .get, headers: [.acceptEncoding: "br, gzip;q=0.8"]
            ) { response in (response.headers, response.body) }
        }
        #expect(headers[.contentEncoding] == "gzip")
        #expect(headers[.vary] == "Accept-Encoding")
        // The policy headers stay on a compressed answer.
        #expect(headers[.contentSecurityPolicy]?.hasPrefix("default-src 'self'") == true)
        var compressed = body
        #expect(compressed.readableBytes < plain.body.utf8.count / 2)
        let unpacked = try compressed.decompress(with: .gzip)
        #expect(String(buffer: unpacked) == plain.body)
    }

    @Test(arguments: [
        ("gzip", true), ("GZIP", true), ("deflate, gzip", true), ("*", true), ("gzip;q=0", false),
        ("identity", false), ("", false), ("gzip; q=0.5", true),
        // gzip refused by name stays refused when `*` takes the rest (RFC 9110 12.5.3).
        ("gzip;q=0, *", false), ("*, gzip;q=0", false), ("*;q=0", false), ("identity, *", true),
    ])
    func acceptEncodingIsRead(_ header: String, _ accepted: Bool) {
        #expect(ResponseCompression<BasicRequestContext>.acceptsGzip([header]) == accepted)
    }
}
