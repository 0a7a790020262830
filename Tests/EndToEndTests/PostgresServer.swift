import Foundation
import Testing

/// The test PostgreSQL server (`FTD_TEST_POSTGRES_URL`, `PGPASSWORD`; `scripts/test`
/// starts one), and a database of its own for each end-to-end scene: the daemons under
/// test use the user's default schema, as they would in production.
struct PostgresServer: Sendable {
    let url: String
    let password: String

    static let shared: PostgresServer? = {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["FTD_TEST_POSTGRES_URL"], !url.isEmpty,
            let password = environment["PGPASSWORD"], FileManager.default.isExecutableFile(atPath: psql)
        else { return nil }
        return PostgresServer(url: url, password: password)
    }()

    static var isAvailable: Bool { shared != nil }

    static let skipReason: Comment =
        "PostgreSQL tests skipped: no server (FTD_TEST_POSTGRES_URL is not set, or psql is missing; `scripts/test` starts one when PostgreSQL is installed)"

    static let psql = "/usr/bin/psql"

    /// `postgres://…/NAME`: the server's URL with another database.
    func url(database: String) -> String {
        guard let slash = url.range(of: "/", options: .backwards) else { return url }
        return url[..<slash.upperBound] + database
    }

    /// Runs one statement with psql, as the test role; returns its unaligned output. Output
    /// goes to files and the exit is awaited (`FTDProcess`): no pipe a concurrently spawned
    /// child could hold open, and no thread blocked.
    @discardableResult
    func psql(_ sql: String, database: String? = nil) async throws -> String {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FTDProcess.run(
            [
                database.map(url(database:)) ?? url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c",
                sql,
            ],
            in: directory, environment: ["PGPASSWORD": password], timeout: .seconds(60),
            executable: URL(fileURLWithPath: Self.psql))
        guard result.status == 0 else { throw TimedOut(description: "psql \(sql): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `body` with a new, empty database (its name and URL), dropped afterwards
    /// however `body` ends.
    func withDatabase<T>(_ body: ((name: String, url: String)) async throws -> T) async throws -> T {
        let name = "e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await psql("CREATE DATABASE \(name)")
        do {
            let result = try await body((name, url(database: name)))
            _ = try? await psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            return result
        } catch {
            _ = try? await psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            throw error
        }
    }
}
