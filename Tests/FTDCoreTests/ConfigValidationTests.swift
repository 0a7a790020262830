import Foundation
import Testing

@testable import FTDConfig

/// One case per configuration error, each naming the exact key at fault.
@Suite struct ConfigValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let toml: String
        let key: String
        /// The expected description, when the exact words matter.
        var description: String?
        var testDescription: String { key }
    }

    static let hook = """
        [[hooks]]
        name = "notify"
        on = ["succeeded"]
        command = ["/bin/true"]

        """

    static let cases: [Case] = [
        Case(toml: "[api]\nbase_ur = \"https://x/v1\"", key: "api.base_ur"),
        Case(toml: "[apis]\nbase_url = \"https://x/v1\"", key: "apis"),
        Case(toml: "debug = true", key: "debug"),
        Case(toml: "[poll]\nintervall = 3", key: "poll.intervall"),
        Case(toml: "[storage]\npath = \"/x\"", key: "storage.path"),
        Case(toml: "[daemon]\nstop_timout = 3", key: "daemon.stop_timout"),
        Case(toml: "[api]\nmax_requests_per_minute = 0", key: "api.max_requests_per_minute"),
        Case(toml: "[api]\nmax_requests_per_minute = 1.5", key: "api.max_requests_per_minute"),
        Case(
            toml: "[daemon]\nstop_timeout = -1", key: "daemon.stop_timeout",
            description: "config: daemon.stop_timeout: expected a number of seconds from 0 to 3600"),
        Case(toml: "[daemon]\nstop_timeout = 1e30", key: "daemon.stop_timeout"),
        Case(toml: "[daemon]\nstop_timeout = \"10s\"", key: "daemon.stop_timeout"),
        Case(toml: "daemon = 3", key: "daemon"),
        Case(toml: "[http]\ntoken_file = \"/t\"", key: "http.listen"),
        Case(toml: "[http]\nlisten = \"8327\"", key: "http.listen"),
        Case(toml: "[http]\nlisten = \"127.0.0.1:70000\"", key: "http.listen"),
        Case(toml: "[http]\nlisten = \"127.0.0.1:8327\"\nport = 1", key: "http.port"),
        Case(toml: "[http]\nlisten = \"0.0.0.0:8327\"", key: "http.token_file"),
        Case(toml: "[http]\nlisten = \"192.168.1.5:8327\"\ntoken_file = \"\"", key: "http.token_file"),
        Case(
            toml: "[[hooks]]\nname = \"n\"\non = [\"*\"]\ncomand = [\"/bin/true\"]", key: "hooks.n.comand"
        ),
        Case(toml: "[[hooks]]\non = [\"*\"]\ncomand = [\"/bin/true\"]", key: "hooks[0].comand"),
        Case(toml: "api = 3", key: "api"),
        Case(toml: "[api]\nbase_url = 5", key: "api.base_url"),
        Case(toml: "[api]\nbase_url = \"ftp://example.com\"", key: "api.base_url"),
        Case(toml: "[api]\nbase_url = \"api.openai.com/v1\"", key: "api.base_url"),
        Case(toml: "[api]\nbase_url = \"\"", key: "api.base_url"),
        Case(toml: "[api]\napi_key_env = \"MY KEY\"", key: "api.api_key_env"),
        Case(toml: "[api]\napi_key_file = 3", key: "api.api_key_file"),
        Case(toml: "[api]\norganization = true", key: "api.organization"),
        Case(toml: "[api]\nproject = [\"p\"]", key: "api.project"),
        Case(toml: "[api]\nrequest_timeout = 0", key: "api.request_timeout"),
        Case(toml: "[api]\nrequest_timeout = -1.5", key: "api.request_timeout"),
        Case(toml: "[api]\nrequest_timeout = \"30\"", key: "api.request_timeout"),
        Case(toml: "[api]\nmax_retries = -1", key: "api.max_retries"),
        Case(toml: "[api]\nmax_retries = 1.5", key: "api.max_retries"),
        Case(
            toml: "[poll]\ninterval = 0", key: "poll.interval",
            description: "config: poll.interval: expected a whole number of seconds ≥ 1"),
        Case(toml: "[poll]\ninterval = 2.5", key: "poll.interval"),
        Case(toml: "[poll]\nidle_interval = \"5m\"", key: "poll.idle_interval"),
        Case(toml: "[storage]\ndatabase = 1", key: "storage.database"),
        Case(toml: "[storage]\ngroup_readable = \"yes\"", key: "storage.group_readable"),
        Case(toml: "[hooks]\nname = \"x\"", key: "hooks"),
        Case(
            toml: hook + "timeout = 0", key: "hooks.notify.timeout",
            description: "config: hooks.notify.timeout: expected a positive number of seconds"),
        Case(toml: hook + "timeout = \"60\"", key: "hooks.notify.timeout"),
        Case(toml: hook + "retries = -1", key: "hooks.notify.retries"),
        Case(toml: "[[hooks]]\non = [\"*\"]\ncommand = \"true\"", key: "hooks[0].name"),
        Case(toml: "[[hooks]]\nname = \"\"\non = [\"*\"]\ncommand = \"true\"", key: "hooks[0].name"),
        Case(
            toml: hook + "[[hooks]]\nname = \"notify\"\non = [\"*\"]\ncommand = \"true\"",
            key: "hooks[1].name"),
        Case(toml: "[[hooks]]\nname = \"n\"\ncommand = \"true\"", key: "hooks.n.on"),
        Case(toml: "[[hooks]]\nname = \"n\"\non = []\ncommand = \"true\"", key: "hooks.n.on"),
        Case(
            toml: "[[hooks]]\nname = \"n\"\non = \"succeeded\"\ncommand = \"true\"", key: "hooks.n.on"),
        Case(
            toml: "[[hooks]]\nname = \"n\"\non = [\"ok\", 3]\ncommand = \"true\"", key: "hooks.n.on[1]"),
        Case(toml: "[[hooks]]\nname = \"n\"\non = [\"*\"]", key: "hooks.n.command"),
        Case(toml: "[[hooks]]\nname = \"n\"\non = [\"*\"]\ncommand = []", key: "hooks.n.command"),
        Case(toml: "[[hooks]]\nname = \"n\"\non = [\"*\"]\ncommand = \"  \"", key: "hooks.n.command"),
        Case(toml: "[[hooks]]\nname = \"n\"\non = [\"*\"]\ncommand = 7", key: "hooks.n.command"),
        Case(
            toml: "[[hooks]]\nname = \"n\"\non = [\"*\"]\ncommand = [\"/bin/echo\", 1]",
            key: "hooks.n.command[1]"),
        Case(
            toml: "[[hooks]]\nname = \"n\"\non = [\"*\"]\ncommand = [\"\"]", key: "hooks.n.command[0]"),
        Case(toml: "[[hooks]]\nname = 5\non = [\"*\"]\ncommand = \"true\"", key: "hooks[0].name"),
        Case(
            toml: hook + "[[hooks]]\nname = \"b\"\non = [\"*\"]\ncommand = \"true\"\nretries = 0.5",
            key: "hooks.b.retries"),
    ]

    @Test(arguments: cases)
    func namesTheKey(_ testCase: Case) {
        let loader = ConfigurationLoader(environment: ["HOME": "/home/u"], fileExists: { _ in false })
        let error = #expect(throws: ConfigurationError.self) {
            try loader.load(contents: testCase.toml, path: "/etc/ftd/ftd.toml")
        }
        #expect(error?.key == testCase.key)
        #expect(
            error?.description.hasPrefix("config: \(testCase.key): ") == true,
            "\(String(describing: error))")
        if let description = testCase.description {
            #expect(error?.description == description)
        }
    }

    @Test func unknownKeyListsTheKnownOnes() {
        let loader = ConfigurationLoader(environment: ["HOME": "/h"], fileExists: { _ in false })
        let error = #expect(throws: ConfigurationError.self) {
            try loader.load(contents: "[api]\nbase_ur = \"x\"", path: "f.toml")
        }
        #expect(error?.description.contains("unknown key") == true)
        #expect(error?.description.contains("base_url") == true)
    }

    @Test func syntaxErrorNamesFileAndLine() {
        let loader = ConfigurationLoader(environment: ["HOME": "/h"], fileExists: { _ in false })
        let error = #expect(throws: ConfigurationError.self) {
            try loader.load(
                contents: "[api]\nrequest_timeout = 30\nmax_retries = = 4\n", path: "/etc/ftd/ftd.toml")
        }
        #expect(error?.key == nil)
        #expect(
            error?.description.hasPrefix("config: /etc/ftd/ftd.toml: line 3") == true,
            "\(String(describing: error))")
    }

    @Test func theDaemonsStopTimeoutDefaultsToTenSecondsAndMayBeZero() throws {
        let loader = ConfigurationLoader(environment: ["HOME": "/home/u"], fileExists: { _ in false })
        #expect(try loader.load(contents: "", path: "/x.toml").daemon.stopTimeout == 10)
        #expect(
            try loader.load(contents: "[daemon]\nstop_timeout = 0", path: "/x.toml").daemon.stopTimeout == 0)
        #expect(
            try loader.load(contents: "[daemon]\nstop_timeout = 2.5", path: "/x.toml").daemon.stopTimeout
                == 2.5)
    }

    @Test func wholeFloatsAreAcceptedForWholeNumbers() throws {
        let loader = ConfigurationLoader(environment: ["HOME": "/h"], fileExists: { _ in false })
        let configuration = try loader.load(
            contents: "[poll]\ninterval = 5.0\n[api]\nrequest_timeout = 2.5", path: "f")
        #expect(configuration.poll.interval == 5)
        #expect(configuration.api.requestTimeout == 2.5)
    }
}
