import AsyncHTTPClient
import FTDSimulator
import Foundation
import Testing

/// `ftd serve` and `ftd run` with `[http]` (SPEC section 9), as a user starts them.
@Suite(.timeLimit(.minutes(2))) struct ServeCommandTests {
    static let listen = """

        [http]
        listen = "127.0.0.1:0"
        """

    /// The `http://HOST:PORT/` a server announced on stdout or in its log.
    static func address(_ text: String) -> String? {
        guard let range = text.range(of: #"dashboard on http://[^ /]+/"#, options: .regularExpression) else {
            return nil
        }
        return String(text[range].dropFirst("dashboard on ".count).dropLast())
    }

    static func get(_ url: String, host: String? = nil) async throws -> (status: UInt, body: String) {
        var request = HTTPClientRequest(url: url)
        if let host { request.headers.replaceOrAdd(name: "Host", value: host) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (response.status.code, String(buffer: body))
    }

    @Test func serveAnswersWithTheHistoryOfTheDatabaseAlone() async throws {
        try await Sandbox.with { sandbox in
            try sandbox.writeConfig(Self.listen)
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            // No key: serving reads only the database.
            let server = try sandbox.start(["serve"], environment: [:])
            try await eventually("the dashboard's address") { Self.address(server.stdout) != nil }
            let base = try #require(Self.address(server.stdout))
            #expect(server.stdout.hasPrefix("ftd: dashboard on http://127.0.0.1:"))

            let listed = try await Self.get(base + "/api/jobs")
            #expect(listed.status == 200)
            let served = try #require(
                try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [[String: Any]])
            let history = try await sandbox.jobs()
            #expect(served.map { $0["id"] as? String } == history.map { $0["id"] as? String })
            #expect(served.allSatisfy { $0["account"] as? String == "default" })
            let id = try #require(history.first?["id"] as? String)
            let job = try await Self.get(base + "/api/jobs/default/\(id)")
            #expect(job.status == 200)
            #expect(job.body.contains("\"transitions\""))

            // DNS rebinding: a page of another site that resolves to 127.0.0.1 is refused.
            #expect(try await Self.get(base + "/api/jobs", host: "evil.example").status == 403)
            server.signal(SIGTERM)
            #expect(try await server.wait(timeout: .seconds(20)).status == 0)
        }
    }

    @Test func theDaemonServesHealthOnceItHasCycled() async throws {
        try await Sandbox.with { sandbox in
            try sandbox.writeConfig(Self.listen)
            let daemon = try sandbox.start(["run"])
            try await eventually("the daemon's first cycle") {
                daemon.stderr.contains("ready") && Self.address(daemon.stderr) != nil
            }
            let base = try #require(Self.address(daemon.stderr))
            let health = try await Self.get(base + "/healthz")
            #expect(health.status == 200, "\(health.body)")
            #expect(health.body == "{\"ok\":true}\n")
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait(timeout: .seconds(20)).status == 0)
        }
    }

    @Test func serveWithoutHTTPOrWithAnOpenAddressAndNoTokenIsAConfigurationError() async throws {
        try await Sandbox.with { sandbox in
            try sandbox.writeConfig()
            let none = try await sandbox.ftd(["serve"], environment: [:])
            #expect(none.status == 78)
            #expect(none.stderr.contains("[http]"))

            try sandbox.writeConfig("\n[http]\nlisten = \"0.0.0.0:0\"\n")
            let open = try await sandbox.ftd(["serve"], environment: [:])
            #expect(open.status == 78)
            #expect(open.stderr.contains("http.token_file"), "\(open.stderr)")

            try sandbox.writeConfig(
                "\n[http]\nlisten = \"0.0.0.0:0\"\ntoken_file = \"\(sandbox.directory.path)/none\"\n")
            let missing = try await sandbox.ftd(["run"])
            #expect(missing.status == 78)
            #expect(missing.stderr.contains("http.token_file"), "\(missing.stderr)")
        }
    }

    @Test func aPortInUseSaysWhichAddressAndExits69() async throws {
        try await Sandbox.with { sandbox in
            try sandbox.writeConfig(Self.listen)
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            let first = try sandbox.start(["serve"], environment: [:])
            try await eventually("the first server") { Self.address(first.stdout) != nil }
            let taken = try #require(Self.address(first.stdout)?.dropFirst("http://".count))
            try sandbox.writeConfig("\n[http]\nlisten = \"\(taken)\"\n")
            let second = try await sandbox.ftd(["serve"], environment: [:])
            #expect(second.status == 69)
            #expect(
                second.stderr.contains(
                    "ftd: cannot listen on \(taken) (http.listen): the address is already in use"),
                "\(second.stderr)")
            first.signal(SIGTERM)
            _ = try await first.wait(timeout: .seconds(20))
        }
    }
}
