import Foundation
import Testing

@testable import FTDConfig
@testable import FTDPostgres

/// `[storage] url` and `password_file` (SPEC section 11), read the way libpq reads a URL.
@Suite struct ConfigPostgresTests {
    static func load(_ toml: String, env: [String: String] = ["HOME": "/home/u", "USER": "alice"]) throws
        -> Configuration
    {
        try ConfigLoaderTests.loader(env: env).load(contents: toml, path: "/etc/ftd.toml")
    }

    static func error(_ toml: String, env: [String: String] = ["HOME": "/home/u"]) -> String? {
        do {
            _ = try load(toml, env: env)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aURLNamesTheStoreAndEveryPartIsRead() throws {
        let configuration = try Self.load(
            """
            [storage]
            url = "postgres://ftd@db.internal:6543/history?sslmode=require"
            password_file = "~/pg_password"
            """)
        let postgres = try #require(configuration.storage.postgres)
        #expect(postgres.host == "db.internal")
        #expect(postgres.port == 6543)
        #expect(postgres.user == "ftd")
        #expect(postgres.database == "history")
        #expect(postgres.tls == .require)
        #expect(postgres.passwordFile == "/home/u/pg_password")
        #expect(configuration.storage.displayName == "postgres://ftd@db.internal:6543/history")
    }

    @Test func libpqDefaultsFillWhatTheURLLeavesOut() throws {
        let postgres = try #require(
            try Self.load("[storage]\nurl = \"postgresql://\"", env: ["HOME": "/h", "USER": "alice"]).storage
                .postgres)
        #expect(postgres.user == "alice")
        #expect(postgres.database == "alice")
        #expect(postgres.port == 5432)
        #expect(postgres.tls == .prefer)
        #expect(postgres.usesUnixSocket)
        #expect(postgres.unixSocketPath == "/var/run/postgresql/.s.PGSQL.5432")

        let socket = try #require(
            try Self.load("[storage]\nurl = \"postgres://ftd@/ftd?host=/run/postgresql\"").storage.postgres)
        #expect(socket.unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
    }

    @Test func aPasswordInTheURLIsRefusedAndNeverRepeated() {
        let message = Self.error("[storage]\nurl = \"postgres://ftd:hunter2@db/ftd\"")
        #expect(message?.contains("storage.url") == true)
        #expect(message?.contains("password_file") == true)
        #expect(message?.contains("hunter2") == false)
    }

    @Test(arguments: [
        ("url = \"mysql://db/ftd\"", "storage.url: expected a URL"),
        ("url = \"postgres://ftd@db/ftd?sslmode=verify-ca\"", "sslmode \"verify-ca\""),
        ("url = \"postgres://ftd@db/ftd?connect_timeout=3\"", "unknown URL parameter \"connect_timeout\""),
        ("url = \"postgres://ftd@db:0/ftd\"", "port 0 is out of range"),
        ("url = \"postgres://ftd@db/a/b\"", "one database name"),
        ("url = \"postgres://ftd@/ftd?sslmode=require\"", "needs a TCP host"),
        ("url = \"postgres://db/ftd\"\ndatabase = \"/x.sqlite3\"", "not both"),
        ("password_file = \"/p\"", "storage.password_file: is the password of storage.url"),
    ])
    func impossibleSettingsNameTheirKey(_ body: String, _ expected: String) {
        let message = Self.error("[storage]\n\(body)")
        #expect(message?.contains(expected) == true, "\(message ?? "no error")")
    }

    @Test func ftdDatabaseMayNameAStoreAndWinsOverTheFile() throws {
        let fromURL = try Self.load(
            "[storage]\ndatabase = \"/var/lib/ftd/ftd.sqlite3\"",
            env: ["HOME": "/h", "FTD_DATABASE": "postgres://ftd@127.0.0.1:5433/ftd"])
        #expect(fromURL.storage.postgres?.port == 5433)
        let fromPath = try Self.load(
            "[storage]\nurl = \"postgres://ftd@db/ftd\"",
            env: ["HOME": "/h", "FTD_DATABASE": "/tmp/x.sqlite3"])
        #expect(fromPath.storage.postgres == nil)
        #expect(fromPath.storage.database == "/tmp/x.sqlite3")
    }

    @Test func thePasswordComesFromItsFileThenTheCredentialThenPGPASSWORD() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftd-pg-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("pw").path
        try "from file\n".write(toFile: file, atomically: true, encoding: .utf8)
        try "from credential".write(
            toFile: directory.appendingPathComponent("pg_password").path, atomically: true, encoding: .utf8)
        var settings = PostgresSettings(host: "db", user: "ftd", database: "ftd", passwordFile: file)
        let environment = ["PGPASSWORD": "from env", "CREDENTIALS_DIRECTORY": directory.path]
        #expect(try PostgresPassword.resolve(settings, environment: environment) == "from file")
        settings.passwordFile = nil
        #expect(try PostgresPassword.resolve(settings, environment: environment) == "from credential")
        #expect(try PostgresPassword.resolve(settings, environment: ["PGPASSWORD": "from env"]) == "from env")
        #expect(try PostgresPassword.resolve(settings, environment: [:]) == nil)
        settings.passwordFile = directory.appendingPathComponent("missing").path
        #expect(throws: ConfigurationError.self) { try PostgresPassword.resolve(settings, environment: [:]) }
    }

    /// A directory named as the password file (a credential directory, say) is named as
    /// one, not reported as an unreadable file's numbered error.
    @Test func aDirectoryNamedAsThePasswordFileIsSaidToBeOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftd-pg-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = PostgresSettings(
            host: "db", user: "ftd", database: "ftd", passwordFile: directory.path)
        let error = #expect(throws: ConfigurationError.self) {
            try PostgresPassword.resolve(settings, environment: [:])
        }
        #expect(
            error?.description
                == "config: storage.password_file: \(directory.path) is a directory: name the file that holds the password"
        )
    }

    /// The line end a file's editor wrote is not part of the password, and nothing more is
    /// taken off.
    @Test func aPasswordFilesLineEndIsDroppedAndNothingElse() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftd-pg-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("pw").path
        let settings = PostgresSettings(host: "db", user: "ftd", database: "ftd", passwordFile: file)
        let cases = [
            "secret": "secret", "secret\n": "secret", "secret\r\n": "secret", "secret\n\n": "secret\n",
            "sec ret\r": "sec ret\r",
        ]
        for (text, password) in cases {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(
                try PostgresPassword.resolve(settings, environment: [:]) == password,
                "\(text.debugDescription)")
        }
        for empty in ["", "\n", "\r\n"] {
            try empty.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(throws: ConfigurationError.self) {
                try PostgresPassword.resolve(settings, environment: [:])
            }
        }
    }

    /// A root certificate that cannot be loaded is a configuration error that names it, not
    /// an unexpected failure; nothing is connected to.
    @Test func aRootCertificateThatCannotBeLoadedIsNamed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftd-pg-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let garbage = directory.appendingPathComponent("root.crt").path
        try "not a certificate\n".write(toFile: garbage, atomically: true, encoding: .utf8)
        for file in [directory.appendingPathComponent("missing.crt").path, garbage] {
            let settings = PostgresSettings(
                host: "127.0.0.1", port: 9, user: "ftd", database: "ftd", tls: .verifyFull,
                rootCertificate: file)
            do {
                _ = try await PostgresStore.open(settings, password: nil, logger: StoreSample.logger)
                Issue.record("opened with \(file)")
            } catch let error as ConfigurationError {
                #expect("\(error)".contains("sslrootcert \(file)"), "\(error)")
            }
        }
    }
}
