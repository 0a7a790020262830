import Foundation
import Testing

@testable import FTDConfig

@Suite struct ConfigAPIKeyTests {
    static let secret = "sk-test-SECRET-1234"

    static func resolver(env: [String: String] = [:], files: [String: String] = [:]) -> APIKeyResolver {
        APIKeyResolver(
            environment: env, fileExists: { files[$0] != nil },
            readFile: { path in
                guard let text = files[path] else { throw CocoaError(.fileReadNoPermission) }
                return text
            })
    }

    @Test func keyFromTheDefaultVariable() throws {
        #expect(
            try Self.resolver(env: ["OPENAI_API_KEY": Self.secret]).resolve(APISettings()) == Self.secret)
    }

    @Test func keyFromANamedVariable() throws {
        var settings = APISettings()
        settings.apiKeyEnv = "AZURE_KEY"
        #expect(
            try Self.resolver(env: ["AZURE_KEY": "k2", "OPENAI_API_KEY": "k1"]).resolve(settings) == "k2")
    }

    @Test func keyFileWinsAndIsTrimmed() throws {
        var settings = APISettings()
        settings.apiKeyFile = "/run/credentials/key"
        let resolver = Self.resolver(
            env: ["OPENAI_API_KEY": "env-key"], files: ["/run/credentials/key": "  \(Self.secret)\n"])
        #expect(try resolver.resolve(settings) == Self.secret)
    }

    @Test func theSystemdCredentialWinsOverTheVariable() throws {
        let resolver = Self.resolver(
            env: ["OPENAI_API_KEY": "env-key", "CREDENTIALS_DIRECTORY": "/run/credentials/ftd.service"],
            files: ["/run/credentials/ftd.service/openai_api_key": "\(Self.secret)\n"])
        #expect(try resolver.resolve(APISettings()) == Self.secret)
        #expect(resolver.source(APISettings()) == "/run/credentials/ftd.service/openai_api_key")
        // An explicit api_key_file wins over the credential.
        var settings = APISettings()
        settings.apiKeyFile = "/etc/ftd/key"
        let both = Self.resolver(
            env: ["CREDENTIALS_DIRECTORY": "/run/credentials/ftd.service"],
            files: ["/run/credentials/ftd.service/openai_api_key": "cred", "/etc/ftd/key": "file"])
        #expect(try both.resolve(settings) == "file")
    }

    @Test func aCredentialsDirectoryWithoutTheKeyFallsBackToTheVariable() throws {
        let resolver = Self.resolver(
            env: ["OPENAI_API_KEY": Self.secret, "CREDENTIALS_DIRECTORY": "/run/credentials/other.service"])
        #expect(try resolver.resolve(APISettings()) == Self.secret)
        #expect(resolver.source(APISettings()) == "$OPENAI_API_KEY")
    }

    @Test func anEmptyCredentialIsAnErrorThatNamesIt() {
        let resolver = Self.resolver(
            env: ["CREDENTIALS_DIRECTORY": "/run/credentials/ftd.service/"],
            files: ["/run/credentials/ftd.service/openai_api_key": "\n"])
        let error = #expect(throws: ConfigurationError.self) { try resolver.resolve(APISettings()) }
        #expect(
            error?.description
                == "config: credential openai_api_key: /run/credentials/ftd.service/openai_api_key is empty: write the API key into it"
        )
    }

    @Test(arguments: [nil, "", "  \n"] as [String?])
    func missingVariableIsAnError(value: String?) {
        let env = value.map { ["OPENAI_API_KEY": $0] } ?? [:]
        let error = #expect(throws: ConfigurationError.self) {
            try Self.resolver(env: env).resolve(APISettings())
        }
        #expect(
            error?.description
                == "api: OPENAI_API_KEY is not set: export your API key, or set api.api_key_file")
    }

    @Test func unreadableKeyFileNamesThePath() {
        var settings = APISettings()
        settings.apiKeyFile = "/nope/key"
        let error = #expect(throws: ConfigurationError.self) {
            try Self.resolver(env: ["OPENAI_API_KEY": Self.secret]).resolve(settings)
        }
        #expect(error?.key == "api.api_key_file")
        #expect(error?.description.contains("/nope/key") == true)
        #expect(error?.description.contains(Self.secret) == false)
    }

    @Test func emptyKeyFileIsAnError() {
        var settings = APISettings()
        settings.apiKeyFile = "/k"
        let error = #expect(throws: ConfigurationError.self) {
            try Self.resolver(files: ["/k": "\n"]).resolve(settings)
        }
        #expect(error?.description.hasPrefix("config: api.api_key_file: /k is empty") == true)
    }

    @Test func keyNeverAppearsInConfigurationErrors() {
        // Even a key pasted into the wrong place is not echoed back.
        let loader = ConfigurationLoader(
            environment: ["HOME": "/h", "OPENAI_API_KEY": Self.secret], fileExists: { _ in false })
        let error = #expect(throws: ConfigurationError.self) {
            try loader.load(contents: "[api]\napi_key = \"\(Self.secret)\"", path: "/c.toml")
        }
        #expect(error?.key == "api.api_key")
        #expect(error?.description.contains(Self.secret) == false)
    }
}
