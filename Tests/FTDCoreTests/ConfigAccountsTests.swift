import FTDModel
import Foundation
import Testing

@testable import FTDConfig

/// `[[accounts]]` (SPEC section 8), `[api]`'s webhook secret and the hooks' account filter.
@Suite struct ConfigAccountsTests {
    static let loader = ConfigurationLoader(environment: ["HOME": "/home/u"], fileExists: { _ in false })

    static func load(_ toml: String, env: [String: String] = ["HOME": "/home/u"]) throws -> Configuration {
        try ConfigurationLoader(environment: env, fileExists: { _ in false }).load(
            contents: toml, path: "/c.toml")
    }

    static let research = "[[accounts]]\nname = \"research\"\n"
    static let azure = "[[accounts]]\nname = \"azure-eu\"\nprovider = \"azure\"\n"
    static let endpoint = "endpoint = \"https://my-resource.openai.azure.com\"\n"

    static let cases: [ConfigValidationTests.Case] = [
        .init(
            toml: "[api]\nmax_retries = 2\n" + research, key: "accounts",
            description:
                "config: accounts: a file with [[accounts]] cannot also have [api]: move [api]'s settings into an [[accounts]] entry (name = \"default\" keeps the jobs already stored under that account)"
        ),
        .init(toml: "accounts = []", key: "accounts"),
        .init(toml: "[accounts]\nname = \"research\"", key: "accounts"),
        .init(toml: "accounts = [3]", key: "accounts[0]"),
        .init(
            toml: research + research, key: "accounts[1].name",
            description:
                "config: accounts[1].name: \"research\" is already the name of accounts[0]; names must be unique"
        ),
        .init(toml: "[[accounts]]\nprovider = \"openai\"", key: "accounts[0].name"),
        .init(toml: "[[accounts]]\nname = \"\"", key: "accounts[0].name"),
        .init(toml: "[[accounts]]\nname = 5", key: "accounts[0].name"),
        .init(toml: "[[accounts]]\nname = \"Research\"", key: "accounts[0].name"),
        .init(toml: "[[accounts]]\nname = \"-research\"", key: "accounts[0].name"),
        .init(toml: "[[accounts]]\nname = \"_research\"", key: "accounts[0].name"),
        .init(toml: "[[accounts]]\nname = \"re search\"", key: "accounts[0].name"),
        .init(toml: "[[accounts]]\nname = \"résumé\"", key: "accounts[0].name"),
        .init(toml: "[[accounts]]\nname = \"\(String(repeating: "a", count: 33))\"", key: "accounts[0].name"),
        // Without a valid name, every error names the entry by its index.
        .init(toml: "[[accounts]]\nname = \"Bad\"\nrequest_timout = 3", key: "accounts[0].request_timout"),
        .init(toml: research + "base_ur = \"https://x/v1\"", key: "accounts.research.base_ur"),
        .init(toml: research + "listen = \"x\"", key: "accounts.research.listen"),
        .init(
            toml: research + "provider = \"anthropic\"", key: "accounts.research.provider",
            description:
                "config: accounts.research.provider: expected \"openai\" or \"azure\", got \"anthropic\""),
        .init(toml: research + "provider = \"Azure\"", key: "accounts.research.provider"),
        .init(toml: research + "provider = 1", key: "accounts.research.provider"),
        .init(toml: azure, key: "accounts.azure-eu.endpoint"),
        .init(toml: azure + "endpoint = \"my-resource.openai.azure.com\"", key: "accounts.azure-eu.endpoint"),
        .init(toml: azure + "endpoint = \"ftp://my-resource\"", key: "accounts.azure-eu.endpoint"),
        // Each of these made every request 404 "Resource not found" (found by a hostile review).
        .init(
            toml: azure + "endpoint = \"https://my-resource.openai.azure.com/openai/v1/\"",
            key: "accounts.azure-eu.endpoint"),
        .init(
            toml: azure + "endpoint = \"https://my-resource.openai.azure.com/OpenAI\"",
            key: "accounts.azure-eu.endpoint"),
        .init(
            toml: azure + "endpoint = \"https://my-resource.openai.azure.com?api-version=2024-10-21\"",
            key: "accounts.azure-eu.endpoint"),
        .init(
            toml: azure + "endpoint = \"https://my-resource.openai.azure.com/#keys\"",
            key: "accounts.azure-eu.endpoint"),
        .init(toml: azure + endpoint + "base_url = \"https://x/v1\"", key: "accounts.azure-eu.base_url"),
        .init(toml: azure + endpoint + "api_version = \"\"", key: "accounts.azure-eu.api_version"),
        .init(toml: azure + endpoint + "api_version = 2024", key: "accounts.azure-eu.api_version"),
        .init(
            toml: azure + endpoint + "api_version = \"2024-10-21&x=1\"", key: "accounts.azure-eu.api_version"),
        .init(toml: research + endpoint, key: "accounts.research.endpoint"),
        .init(toml: research + "api_version = \"2024-10-21\"", key: "accounts.research.api_version"),
        // The keys shared with [api] are validated alike, named under the account.
        .init(toml: research + "base_url = \"api.openai.com/v1\"", key: "accounts.research.base_url"),
        .init(toml: research + "api_key_env = \"MY KEY\"", key: "accounts.research.api_key_env"),
        .init(toml: research + "api_key_file = 3", key: "accounts.research.api_key_file"),
        .init(toml: research + "organization = true", key: "accounts.research.organization"),
        .init(toml: research + "project = \"\"", key: "accounts.research.project"),
        .init(
            toml: research + "request_timeout = 0", key: "accounts.research.request_timeout",
            description: "config: accounts.research.request_timeout: expected a positive number of seconds"),
        .init(toml: research + "max_retries = -1", key: "accounts.research.max_retries"),
        .init(
            toml: research + "max_requests_per_minute = 0", key: "accounts.research.max_requests_per_minute"),
        .init(
            toml: research + "webhook_secret_env = \"1SECRET\"", key: "accounts.research.webhook_secret_env"),
        .init(toml: research + "webhook_secret_file = 1", key: "accounts.research.webhook_secret_file"),
        .init(toml: azure + endpoint + "request_timeout = \"30\"", key: "accounts.azure-eu.request_timeout"),
        .init(toml: "[api]\nwebhook_secret_env = \"MY SECRET\"", key: "api.webhook_secret_env"),
        .init(toml: "[api]\nwebhook_secret_file = \"\"", key: "api.webhook_secret_file"),
        .init(toml: "[api]\nendpoint = \"https://x\"", key: "api.endpoint"),
    ]

    @Test(arguments: cases)
    func namesTheKey(_ testCase: ConfigValidationTests.Case) {
        let error = #expect(throws: ConfigurationError.self) {
            try Self.loader.load(contents: testCase.toml, path: "/etc/ftd/ftd.toml")
        }
        #expect(error?.key == testCase.key, "\(String(describing: error))")
        #expect(
            error?.description.hasPrefix("config: \(testCase.key): ") == true, "\(String(describing: error))")
        if let description = testCase.description {
            #expect(error?.description == description)
        }
    }

    @Test(arguments: ["a", "0", "research", "azure-eu", "team_2", "a-", String(repeating: "z", count: 32)])
    func validNamesAreAccepted(_ name: String) throws {
        let configuration = try Self.load("[[accounts]]\nname = \"\(name)\"")
        #expect(configuration.accounts.map(\.name) == [name])
    }

    @Test func anExistingSingleAccountFileParsesAsBefore() throws {
        let toml = """
            [api]
            base_url = "http://127.0.0.1:8080/v1"
            api_key_env = "MY_KEY"
            organization = "org-1"
            request_timeout = 5
            max_retries = 0
            max_requests_per_minute = 60
            [poll]
            interval = 1
            [[hooks]]
            name = "notify"
            on = ["succeeded"]
            command = ["/bin/echo"]
            """
        var api = APISettings()
        api.baseURL = "http://127.0.0.1:8080/v1"
        api.apiKeyEnv = "MY_KEY"
        api.organization = "org-1"
        api.requestTimeout = 5
        api.maxRetries = 0
        api.maxRequestsPerMinute = 60
        var poll = PollSettings()
        poll.interval = 1
        let expected = Configuration(
            api: api, poll: poll, storage: StorageSettings(database: "/home/u/.local/state/ftd/ftd.sqlite3"),
            hooks: [HookSettings(name: "notify", on: ["succeeded"], command: .argv(["/bin/echo"]))],
            sourcePath: "/c.toml")
        let configuration = try Self.load(toml)
        #expect(configuration == expected)
        #expect(configuration.accounts == [AccountSettings(name: DefaultAccount.name, api: api)])
        #expect(configuration.accounts[0].fromAPITable)
        #expect(!configuration.listsAccounts)
        #expect(configuration.hooks[0].accounts == nil)
    }

    @Test func noFileAndAnEmptyFileAreTheOneDefaultAccount() throws {
        for configuration in [try Self.loader.load(), try Self.load("")] {
            #expect(configuration.accounts == [AccountSettings(name: "default")])
            #expect(configuration.accounts[0].configKey == "api")
            #expect(!configuration.listsAccounts)
        }
    }

    @Test func accountsAreReadInOrderWithTheirSettings() throws {
        let toml = """
            [[accounts]]
            name = "research"
            base_url = "https://proxy.example/v1"
            api_key_env = "OPENAI_API_KEY_RESEARCH"
            organization = "org-r"
            project = "proj_r"
            request_timeout = 12.5
            max_retries = 1
            max_requests_per_minute = 30
            webhook_secret_env = "RESEARCH_WEBHOOK_SECRET"

            [[accounts]]
            name = "default"
            provider = "openai"
            """
        let configuration = try Self.load(toml)
        #expect(configuration.listsAccounts)
        var research = APISettings()
        research.baseURL = "https://proxy.example/v1"
        research.apiKeyEnv = "OPENAI_API_KEY_RESEARCH"
        research.organization = "org-r"
        research.project = "proj_r"
        research.requestTimeout = 12.5
        research.maxRetries = 1
        research.maxRequestsPerMinute = 30
        #expect(
            configuration.accounts == [
                AccountSettings(name: "research", api: research, webhookSecretEnv: "RESEARCH_WEBHOOK_SECRET"),
                AccountSettings(name: "default", fromAPITable: false),
            ])
        #expect(configuration.api == research)
        // An entry named "default" is still an entry: its keys are named as written.
        #expect(configuration.accounts[1].configKey == "accounts.default")
        #expect(configuration.accounts[0].configKey == "accounts.research")
    }

    @Test func azureWithoutAPIVersionUsesTheV1Surface() throws {
        let account = try Self.load(Self.azure + "endpoint = \"https://my-resource.openai.azure.com/\"")
            .accounts[0]
        #expect(account.provider == .azure(endpoint: "https://my-resource.openai.azure.com", apiVersion: nil))
        #expect(account.isAzure)
        #expect(account.api.baseURL == "https://my-resource.openai.azure.com/openai/v1")
    }

    /// A gateway in front of the resource may have a path of its own; only `/openai` in it
    /// (the base URL of Microsoft's samples) is refused.
    @Test func anEndpointBehindAGatewayKeepsItsPath() throws {
        let account = try Self.load(Self.azure + "endpoint = \"https://gateway.example/aoai/\"").accounts[0]
        #expect(account.api.baseURL == "https://gateway.example/aoai/openai/v1")
    }

    @Test func azureWithAnAPIVersionUsesTheDatedSurface() throws {
        let account = try Self.load(Self.azure + Self.endpoint + "api_version = \"2024-10-21\"").accounts[0]
        #expect(
            account.provider
                == .azure(endpoint: "https://my-resource.openai.azure.com", apiVersion: "2024-10-21"))
        #expect(account.api.baseURL == "https://my-resource.openai.azure.com/openai")
        let preview = try Self.load(Self.azure + Self.endpoint + "api_version = \"2025-04-01-preview\"")
        #expect(preview.accounts[0].api.baseURL == "https://my-resource.openai.azure.com/openai")
    }

    @Test func theDefaultKeyVariableDependsOnTheProvider() throws {
        let configuration = try Self.load(Self.research + Self.azure + Self.endpoint)
        #expect(configuration.accounts.map(\.api.apiKeyEnv) == ["OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"])
        #expect(!configuration.accounts[0].isAzure)
        let named = try Self.load(
            Self.azure + Self.endpoint + "api_key_env = \"EU_KEY\"\nrequest_timeout = 9")
        #expect(named.accounts[0].api.apiKeyEnv == "EU_KEY")
        #expect(named.accounts[0].api.requestTimeout == 9)
    }

    @Test func openAIBaseURLOverridesOnlyTheAPITable() throws {
        let env = ["HOME": "/home/u", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"]
        #expect(try Self.load("[api]\nmax_retries = 1", env: env).api.baseURL == "http://127.0.0.1:9/v1")
        let listed = try Self.load(
            Self.research + "base_url = \"https://proxy.example/v1\"\n" + Self.azure + Self.endpoint, env: env
        )
        #expect(
            listed.accounts.map(\.api.baseURL) == [
                "https://proxy.example/v1", "https://my-resource.openai.azure.com/openai/v1",
            ])
        // Not applied, so not a reason to refuse the file either.
        let ignored = ["HOME": "/home/u", "OPENAI_BASE_URL": "not a url"]
        #expect(try Self.load(Self.research, env: ignored).api.baseURL == "https://api.openai.com/v1")
    }

    @Test func tildeIsExpandedInEveryAccountsFiles() throws {
        let listed = try Self.load(
            Self.research + "api_key_file = \"~/keys/research\"\nwebhook_secret_file = \"~/whsec\"\n"
                + Self.azure + Self.endpoint + "api_key_file = \"~/keys/eu\"")
        #expect(listed.accounts.map(\.api.apiKeyFile) == ["/home/u/keys/research", "/home/u/keys/eu"])
        #expect(listed.accounts.map(\.webhookSecretFile) == ["/home/u/whsec", nil])
        let api = try Self.load("[api]\napi_key_file = \"~/key\"\nwebhook_secret_file = \"~/whsec\"")
        #expect(api.api.apiKeyFile == "/home/u/key")
        #expect(api.accounts[0].webhookSecretFile == "/home/u/whsec")
    }

    @Test func theAPITableTakesAWebhookSecret() throws {
        let account = try Self.load("[api]\nwebhook_secret_env = \"OPENAI_WEBHOOK_SECRET\"").accounts[0]
        #expect(account.name == DefaultAccount.name)
        #expect(account.webhookSecretEnv == "OPENAI_WEBHOOK_SECRET")
        #expect(account.webhookSecretFile == nil)
        #expect(account.acceptsWebhooks)
        #expect(try !Self.load("[api]").accounts[0].acceptsWebhooks)
    }

    // MARK: the hooks' account filter

    static let hook = "[[hooks]]\nname = \"n\"\non = [\"*\"]\ncommand = \"true\"\n"

    @Test func aHookMayListTheAccountsThatFireIt() throws {
        let configuration = try Self.load(
            Self.research + Self.azure + Self.endpoint + Self.hook + "accounts = [\"azure-eu\"]")
        let hook = configuration.hooks[0]
        #expect(hook.accounts == ["azure-eu"])
        #expect(hook.fires(on: "succeeded", account: "azure-eu"))
        #expect(!hook.fires(on: "succeeded", account: "research"))
        // Without the key, every account's transitions fire it.
        #expect(try Self.load(Self.research + Self.hook).hooks[0].accounts == nil)
        // [api]'s account is "default".
        #expect(try Self.load(Self.hook + "accounts = [\"default\"]").hooks[0].accounts == ["default"])
    }

    static let hookCases: [ConfigValidationTests.Case] = [
        .init(
            toml: research + azure + endpoint + hook + "accounts = [\"research\", \"reserch\"]",
            key: "hooks.n.accounts",
            description: "config: hooks.n.accounts: no account named reserch; configured: research, azure-eu"),
        .init(
            toml: hook + "accounts = [\"research\"]", key: "hooks.n.accounts",
            description: "config: hooks.n.accounts: no account named research; configured: default"),
        .init(toml: research + hook + "accounts = []", key: "hooks.n.accounts"),
        .init(toml: research + hook + "accounts = \"research\"", key: "hooks.n.accounts"),
        .init(toml: research + hook + "accounts = [1]", key: "hooks.n.accounts[0]"),
    ]

    @Test(arguments: hookCases)
    func aHooksAccountsMustNameConfiguredAccounts(_ testCase: ConfigValidationTests.Case) {
        namesTheKey(testCase)
    }
}
