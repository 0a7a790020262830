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

    /// Runs one statement with psql, as the test role; returns its unaligned output.
    @discardableResult
    func psql(_ sql: String, database: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.psql)
        process.arguments = [
            database.map(url(database:)) ?? url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql,
        ]
        process.environment = ["PGPASSWORD": password, "PATH": "/usr/bin:/bin"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TimedOut(description: "psql \(sql): \(String(decoding: errorData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A new, empty database; its URL.
    func freshDatabase() throws -> (name: String, url: String) {
        let name = "e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql("CREATE DATABASE \(name)")
        return (name, url(database: name))
    }

    func drop(_ name: String) {
        _ = try? psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}
