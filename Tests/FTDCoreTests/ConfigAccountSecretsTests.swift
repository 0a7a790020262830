import FTDModel
import Foundation
import Testing

@testable import FTDConfig

/// Each account's API key and webhook secret (`APIKeyResolver`, SPEC sections 8 and 9).
@Suite struct ConfigAccountSecretsTests {
    static func resolver(
        env: [String: String] = [:], files: [String: String] = [:], mode: UInt32 = 0o600
    ) -> APIKeyResolver {
        APIKeyResolver(
            environment: env, fileExists: { files[$0] != nil },
            readFile: { path in
                guard let text = files[path] else { throw CocoaError(.fileReadNoPermission) }
                return text
            }, fileMode: { _ in mode })
    }

    /// A secret no other test registers, so that masking it proves this test registered it.
    static func uniqueSecret(_ prefix: String) -> String { "\(prefix)\(UUID().uuidString)" }

    static func account(
        _ name: String = "research", keyEnv: String = "OPENAI_API_KEY_RESEARCH", keyFile: String? = nil,
        secretEnv: String? = nil, secretFile: String? = nil
    ) -> AccountSettings {
        var api = APISettings()
        api.apiKeyEnv = keyEnv
        api.apiKeyFile = keyFile
        return AccountSettings(
            name: name, api: api, webhookSecretEnv: secretEnv, webhookSecretFile: secretFile,
            fromAPITable: false)
    }

    static let apiAccount = AccountSettings(name: DefaultAccount.name)

    // MARK: webhook secrets

    @Test func noWebhookSecretConfiguredIsNil() throws {
        #expect(
            try Self.resolver(env: ["OPENAI_WEBHOOK_SECRET": "whsec_x"]).webhookSecret(Self.account()) == nil)
        #expect(try Self.resolver().webhookSecret(Self.apiAccount) == nil)
    }

    @Test func webhookSecretFromTheVariableIsTrimmedAndRedactedFromThenOn() throws {
        let secret = Self.uniqueSecret("whsec_env")
        let resolver = Self.resolver(env: ["RESEARCH_WEBHOOK_SECRET": " \(secret)\n"])
        let account = Self.account(secretEnv: "RESEARCH_WEBHOOK_SECRET")
        #expect(!SecretRedactor.redact("signed with \(secret)").contains("[redacted]"))
        #expect(try resolver.webhookSecret(account) == secret)
        #expect(SecretRedactor.redact("signed with \(secret)") == "signed with [redacted]")
    }

    @Test func webhookSecretFromTheFileWinsAndIsRedactedFromThenOn() throws {
        let secret = Self.uniqueSecret("whsec_file")
        let resolver = Self.resolver(
            env: ["RESEARCH_WEBHOOK_SECRET": "whsec_from_the_environment"],
            files: ["/etc/ftd/whsec": "\(secret)\n"])
        let account = Self.account(secretEnv: "RESEARCH_WEBHOOK_SECRET", secretFile: "/etc/ftd/whsec")
        #expect(try resolver.webhookSecret(account) == secret)
        #expect(!SecretRedactor.redact(secret).contains(secret))
    }

    @Test(arguments: [nil, "", " \n"] as [String?])
    func aMissingOrEmptyWebhookVariableNamesTheKey(_ value: String?) {
        let env = value.map { ["RESEARCH_WEBHOOK_SECRET": $0] } ?? [:]
        let error = #expect(throws: ConfigurationError.self) {
            try Self.resolver(env: env).webhookSecret(Self.account(secretEnv: "RESEARCH_WEBHOOK_SECRET"))
        }
        #expect(error?.key == "accounts.research.webhook_secret_env")
        #expect(
            error?.description
                == "config: accounts.research.webhook_secret_env: RESEARCH_WEBHOOK_SECRET is not set: export the webhook's signing secret (whsec_…), or set accounts.research.webhook_secret_file"
        )
    }

    @Test func theAPITablesWebhookVariableIsNamedUnderAPI() {
        var account = Self.apiAccount
        account.webhookSecretEnv = "OPENAI_WEBHOOK_SECRET"
        let error = #expect(throws: ConfigurationError.self) { try Self.resolver().webhookSecret(account) }
        #expect(error?.key == "api.webhook_secret_env")
    }

    @Test func anEmptyOrUnreadableWebhookFileNamesTheKey() {
        let empty = #expect(throws: ConfigurationError.self) {
            try Self.resolver(files: ["/w": "\n"]).webhookSecret(Self.account(secretFile: "/w"))
        }
        #expect(empty?.key == "accounts.research.webhook_secret_file")
        #expect(empty?.description.contains("/w is empty") == true)
        var account = Self.apiAccount
        account.webhookSecretFile = "/nope"
        let missing = #expect(throws: ConfigurationError.self) { try Self.resolver().webhookSecret(account) }
        #expect(missing?.key == "api.webhook_secret_file")
        #expect(missing?.description.contains("cannot read /nope") == true)
    }

    @Test func aWebhookFileOpenToEveryUserIsRefused() {
        let resolver = Self.resolver(files: ["/etc/ftd/whsec": "whsec_abcdefghijkl"], mode: 0o644)
        let error = #expect(throws: ConfigurationError.self) {
            try resolver.webhookSecret(Self.account(secretFile: "/etc/ftd/whsec"))
        }
        #expect(error?.key == "accounts.research.webhook_secret_file")
        #expect(error?.description.contains("chmod 600 /etc/ftd/whsec") == true)
        #expect(error?.description.contains("whsec_abc") == false)
    }

    // MARK: each account's API key

    @Test func anAccountsKeyComesFromItsVariableAndIsRedacted() throws {
        let key = Self.uniqueSecret("research-key-")
        let resolver = Self.resolver(env: ["OPENAI_API_KEY_RESEARCH": key, "OPENAI_API_KEY": "other"])
        #expect(try resolver.resolve(Self.account()) == key)
        #expect(resolver.source(Self.account()) == "$OPENAI_API_KEY_RESEARCH")
        #expect(SecretRedactor.redact(key) == SecretRedactor.mask)
    }

    @Test func aMissingAccountKeyNamesTheAccountsKeys() {
        let error = #expect(throws: ConfigurationError.self) { try Self.resolver().resolve(Self.account()) }
        #expect(error?.key == "accounts.research.api_key_env")
        #expect(
            error?.description
                == "accounts.research: OPENAI_API_KEY_RESEARCH is not set: export the API key of account research, or set accounts.research.api_key_file"
        )
    }

    @Test func anAccountsKeyFileErrorsNameTheAccountsKey() {
        let unreadable = #expect(throws: ConfigurationError.self) {
            try Self.resolver().resolve(Self.account(keyFile: "/nope"))
        }
        #expect(unreadable?.key == "accounts.research.api_key_file")
        let open = #expect(throws: ConfigurationError.self) {
            try Self.resolver(files: ["/k": "sk-abcdefghijkl"], mode: 0o604).resolve(
                Self.account(keyFile: "/k"))
        }
        #expect(open?.key == "accounts.research.api_key_file")
    }

    @Test func anAccountReadsItsOwnCredentialBeforeItsVariable() throws {
        let resolver = Self.resolver(
            env: ["CREDENTIALS_DIRECTORY": "/run/credentials/ftd.service", "OPENAI_API_KEY_RESEARCH": "env"],
            files: [
                "/run/credentials/ftd.service/research_api_key": "research-cred\n",
                "/run/credentials/ftd.service/azure-eu_api_key": "eu-cred",
                "/run/credentials/ftd.service/openai_api_key": "default-cred",
            ])
        #expect(try resolver.resolve(Self.account()) == "research-cred")
        #expect(resolver.source(Self.account()) == "/run/credentials/ftd.service/research_api_key")
        #expect(try resolver.resolve(Self.account("azure-eu", keyEnv: "AZURE_OPENAI_API_KEY")) == "eu-cred")
        // api_key_file still wins over the credential.
        let withFile = Self.resolver(
            env: ["CREDENTIALS_DIRECTORY": "/run/credentials/ftd.service"],
            files: ["/run/credentials/ftd.service/research_api_key": "cred", "/etc/ftd/research": "file"])
        #expect(try withFile.resolve(Self.account(keyFile: "/etc/ftd/research")) == "file")
    }

    @Test func onlyTheAPITablesAccountReadsTheOpenAICredential() throws {
        let resolver = Self.resolver(
            env: [
                "CREDENTIALS_DIRECTORY": "/run/credentials/ftd.service",
                "OPENAI_API_KEY_RESEARCH": "research-env",
                "OPENAI_API_KEY": "default-env",
            ],
            files: [
                "/run/credentials/ftd.service/openai_api_key": "default-cred",
                "/run/credentials/ftd.service/default_api_key": "listed-default-cred",
            ])
        #expect(try resolver.resolve(Self.account()) == "research-env")
        #expect(try resolver.resolve(Self.apiAccount) == "default-cred")
        #expect(try resolver.resolve(APISettings()) == "default-cred")
        // An [[accounts]] entry named "default" is an entry like the others.
        let listedDefault = Self.account("default", keyEnv: "OPENAI_API_KEY")
        #expect(try resolver.resolve(listedDefault) == "listed-default-cred")
        #expect(APIKeyResolver.credentialName(for: listedDefault) == "default_api_key")
        #expect(APIKeyResolver.credentialName(for: Self.apiAccount) == "openai_api_key")
    }

    @Test func anEmptyAccountCredentialNamesIt() {
        let resolver = Self.resolver(
            env: ["CREDENTIALS_DIRECTORY": "/creds"], files: ["/creds/research_api_key": " "])
        let error = #expect(throws: ConfigurationError.self) { try resolver.resolve(Self.account()) }
        #expect(
            error?.description
                == "config: credential research_api_key: /creds/research_api_key is empty: write the API key into it"
        )
    }
}
