import Foundation
import Testing

@testable import FTDConfig

@Suite struct ConfigLoaderTests {
    /// A loader over an in-memory file system.
    static func loader(env: [String: String] = ["HOME": "/home/u"], files: [String: String] = [:])
        -> ConfigurationLoader
    {
        ConfigurationLoader(
            environment: env, fileExists: { files[$0] != nil },
            readFile: { path in
                guard let text = files[path] else { throw CocoaError(.fileNoSuchFile) }
                return text
            })
    }

    @Test func builtInDefaults() throws {
        let configuration = try Self.loader().load()
        #expect(configuration.sourcePath == nil)
        #expect(configuration.api == APISettings())
        #expect(configuration.api.baseURL == "https://api.openai.com/v1")
        #expect(configuration.api.apiKeyEnv == "OPENAI_API_KEY")
        #expect(configuration.api.requestTimeout == 30)
        #expect(configuration.api.maxRetries == 4)
        #expect(configuration.poll.interval == 30)
        #expect(configuration.poll.idleInterval == 300)
        #expect(
            configuration.storage == StorageSettings(database: "/home/u/.local/state/ftd/ftd.sqlite3"))
        #expect(configuration.hooks.isEmpty)
    }

    @Test func fullFileIsRead() throws {
        let toml = """
            [api]
            base_url = "http://127.0.0.1:8080/v1/"
            api_key_env = "MY_KEY"
            api_key_file = "~/key"
            organization = "org-1"
            project = "proj_1"
            request_timeout = 5
            max_retries = 0
            [poll]
            interval = 1
            idle_interval = 60
            [storage]
            database = "/var/lib/ftd/ftd.sqlite3"
            group_readable = true
            [[hooks]]
            name = "notify"
            on = ["succeeded", "failed"]
            command = ["/bin/echo", "hi"]
            [[hooks]]
            name = "all"
            on = ["*"]
            command = "echo $FTD_STATUS"
            timeout = 0.5
            retries = 0
            """
        let configuration = try Self.loader(files: ["/c.toml": toml]).load(explicitPath: "/c.toml")
        #expect(configuration.sourcePath == "/c.toml")
        #expect(configuration.api.baseURL == "http://127.0.0.1:8080/v1/")
        #expect(configuration.api.apiKeyEnv == "MY_KEY")
        #expect(configuration.api.apiKeyFile == "/home/u/key")
        #expect(configuration.api.organization == "org-1")
        #expect(configuration.api.project == "proj_1")
        #expect(configuration.api.requestTimeout == 5)
        #expect(configuration.api.maxRetries == 0)
        #expect(configuration.poll.interval == 1)
        #expect(configuration.poll.idleInterval == 60)
        #expect(
            configuration.storage
                == StorageSettings(database: "/var/lib/ftd/ftd.sqlite3", groupReadable: true))
        #expect(
            configuration.hooks == [
                HookSettings(
                    name: "notify", on: ["succeeded", "failed"], command: .argv(["/bin/echo", "hi"])),
                HookSettings(
                    name: "all", on: ["*"], command: .shell("echo $FTD_STATUS"), timeout: 0.5, retries: 0),
            ])
    }

    struct ResolutionCase: CustomTestStringConvertible, Sendable {
        let name: String
        let explicit: String?
        let env: [String: String]
        let existing: [String]
        let expected: String?
        var testDescription: String { name }
    }

    static let resolutionCases: [ResolutionCase] = [
        ResolutionCase(
            name: "--config wins", explicit: "/a.toml", env: ["FTD_CONFIG": "/b.toml"],
            existing: ["/a.toml", "/b.toml", "/etc/ftd/ftd.toml"], expected: "/a.toml"),
        ResolutionCase(
            name: "then $FTD_CONFIG", explicit: nil, env: ["FTD_CONFIG": "/b.toml"],
            existing: ["/b.toml", "/etc/ftd/ftd.toml"], expected: "/b.toml"),
        ResolutionCase(
            name: "empty $FTD_CONFIG is unset", explicit: nil, env: ["FTD_CONFIG": ""],
            existing: ["/etc/ftd/ftd.toml"], expected: "/etc/ftd/ftd.toml"),
        ResolutionCase(
            name: "then /etc/ftd/ftd.toml", explicit: nil, env: [:],
            existing: ["/etc/ftd/ftd.toml"], expected: "/etc/ftd/ftd.toml"),
        ResolutionCase(name: "else defaults", explicit: nil, env: [:], existing: [], expected: nil),
    ]

    @Test(arguments: resolutionCases)
    func resolutionOrder(_ testCase: ResolutionCase) throws {
        let files = Dictionary(uniqueKeysWithValues: testCase.existing.map { ($0, "") })
        #expect(
            try Self.loader(env: testCase.env, files: files).resolvePath(explicitPath: testCase.explicit)
                == testCase.expected)
    }

    @Test func systemFileIsReadWhenPresent() throws {
        let loader = Self.loader(files: ["/etc/ftd/ftd.toml": "[poll]\ninterval = 7"])
        let configuration = try loader.load()
        #expect(configuration.poll.interval == 7)
        #expect(configuration.sourcePath == "/etc/ftd/ftd.toml")
    }

    @Test func missingExplicitPathIsAnErrorNamingIt() {
        let error = #expect(throws: ConfigurationError.self) {
            try Self.loader(files: ["/etc/ftd/ftd.toml": ""]).load(explicitPath: "/nope/ftd.toml")
        }
        #expect(error?.description.hasPrefix("config: /nope/ftd.toml: no such file") == true)
    }

    @Test func missingFileNamedByTheEnvironmentIsAnError() {
        let error = #expect(throws: ConfigurationError.self) {
            try Self.loader(env: ["FTD_CONFIG": "/gone.toml"]).load()
        }
        #expect(error?.description.hasPrefix("config: /gone.toml: no such file") == true)
    }

    @Test func unreadableFileIsAnErrorNamingIt() {
        let loader = ConfigurationLoader(
            environment: ["HOME": "/h"], fileExists: { _ in true },
            readFile: { _ in throw CocoaError(.fileReadNoPermission) })
        let error = #expect(throws: ConfigurationError.self) {
            try loader.load(explicitPath: "/secret.toml")
        }
        #expect(error?.description.hasPrefix("config: /secret.toml: cannot read it") == true)
    }

    @Test func environmentOverridesTheFile() throws {
        let toml =
            "[api]\nbase_url = \"https://api.openai.com/v1\"\n[storage]\ndatabase = \"/from/file.sqlite3\""
        let loader = Self.loader(
            env: [
                "HOME": "/h", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
                "FTD_DATABASE": "/from/env.sqlite3",
            ],
            files: ["/c.toml": toml])
        let configuration = try loader.load(explicitPath: "/c.toml")
        #expect(configuration.api.baseURL == "http://127.0.0.1:9/v1")
        #expect(configuration.storage.database == "/from/env.sqlite3")
    }

    @Test func environmentOverridesTheDefaults() throws {
        let loader = Self.loader(env: [
            "OPENAI_BASE_URL": "http://localhost:1/v1", "FTD_DATABASE": "/d.sqlite3",
        ])
        let configuration = try loader.load()
        #expect(configuration.api.baseURL == "http://localhost:1/v1")
        #expect(configuration.storage.database == "/d.sqlite3")
    }

    @Test func badBaseURLFromTheEnvironmentIsNamed() {
        let error = #expect(throws: ConfigurationError.self) {
            try Self.loader(env: ["HOME": "/h", "OPENAI_BASE_URL": "localhost:8080"]).load()
        }
        #expect(error?.key == "OPENAI_BASE_URL")
    }

    struct DatabaseCase: CustomTestStringConvertible, Sendable {
        let env: [String: String]
        let expected: String
        var testDescription: String { expected }
    }

    static let databaseCases: [DatabaseCase] = [
        DatabaseCase(
            env: ["STATE_DIRECTORY": "/var/lib/ftd", "XDG_STATE_HOME": "/x", "HOME": "/h"],
            expected: "/var/lib/ftd/ftd.sqlite3"),
        DatabaseCase(
            env: ["STATE_DIRECTORY": "/var/lib/ftd:/var/lib/other", "HOME": "/h"],
            expected: "/var/lib/ftd/ftd.sqlite3"),
        DatabaseCase(
            env: ["XDG_STATE_HOME": "/x/state", "HOME": "/h"], expected: "/x/state/ftd/ftd.sqlite3"),
        DatabaseCase(
            env: ["XDG_STATE_HOME": "relative", "HOME": "/h"], expected: "/h/.local/state/ftd/ftd.sqlite3"
        ),
        DatabaseCase(
            env: ["STATE_DIRECTORY": "", "XDG_STATE_HOME": "", "HOME": "/h/"],
            expected: "/h/.local/state/ftd/ftd.sqlite3"),
    ]

    @Test(arguments: databaseCases)
    func defaultDatabase(_ testCase: DatabaseCase) throws {
        #expect(try Self.loader(env: testCase.env).load().storage.database == testCase.expected)
    }

    @Test func noHomeAndNoDatabaseIsAnError() {
        let error = #expect(throws: ConfigurationError.self) { try Self.loader(env: [:]).load() }
        #expect(error?.key == "storage.database")
        #expect(throws: Never.self) { try Self.loader(env: ["FTD_DATABASE": "/d"]).load() }
    }
}
