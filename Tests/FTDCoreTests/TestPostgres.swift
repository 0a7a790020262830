import FTDConfig
import FTDPostgres
import Foundation
import Logging
import Testing

/// The PostgreSQL server the tests run against: `FTD_TEST_POSTGRES_URL` (with
/// `PGPASSWORD`), which the test command (`scripts/test`) starts with
/// `scripts/postgres-server`. Each store gets a schema of its own, so tests run side by
/// side without seeing each other's rows.
struct TestPostgres: Sendable {
    let settings: PostgresSettings
    let password: String?

    static let environmentKey = "FTD_TEST_POSTGRES_URL"

    /// The server, or nil when none was started.
    static let shared: TestPostgres? = {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment[environmentKey], !url.isEmpty,
            let settings = try? PostgresSettings.parse(url, key: environmentKey, loginName: "ftd")
        else { return nil }
        return TestPostgres(settings: settings, password: environment["PGPASSWORD"])
    }()

    static var isAvailable: Bool { shared != nil }

    /// Why the PostgreSQL tests are skipped, for their output.
    static let skipReason: Comment =
        "PostgreSQL tests skipped: no server (FTD_TEST_POSTGRES_URL is not set; `scripts/test` starts one when PostgreSQL is installed)"

    /// The server, or the test is cancelled (shown as skipped) saying why.
    static func required() throws -> TestPostgres {
        guard let shared else { try Test.cancel(skipReason) }
        return shared
    }

    /// A new, empty schema.
    func freshSchema() async throws -> String {
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try await PostgresStore.open(
            settings, password: password, migrating: false, checkingSchema: false, logger: Self.logger)
        defer { admin.close() }
        try await admin.execute(unsafeSQL: "CREATE SCHEMA \(schema)")
        return schema
    }

    /// A store in `schema`, migrated.
    func open(schema: String, instance: PostgresStore.DaemonInstance? = nil) async throws -> PostgresStore {
        try await PostgresStore.open(
            settings, password: password, instance: instance, schema: schema, logger: Self.logger)
    }

    static let logger: Logger = {
        var logger = Logger(label: "ftd.test.postgres")
        logger.logLevel = .error
        return logger
    }()
}
