import AsyncHTTPClient
import Foundation
import Logging
import Testing

@testable import FTDAPI
@testable import FTDConfig
@testable import FTDDaemon
@testable import FTDModel
@testable import FTDStore

/// Issue 19, items 6 and 9: the key stays out of what the API echoes back, of the log and
/// the database, out of the daemon's own environment, and a key file open to every user
/// is refused.
@Suite("Key hygiene")
struct KeyHygieneTests {
    struct RedactionCase: Sendable, CustomTestStringConvertible {
        var input: String
        var expected: String
        var testDescription: String { input }
    }

    @Test(arguments: [
        RedactionCase(input: "no key here", expected: "no key here"),
        RedactionCase(
            input: "Incorrect API key provided: sk-proj-AbC123dEf456GhI789.",
            expected: "Incorrect API key provided: sk-[redacted]."),
        RedactionCase(
            input: #"bad header "Authorization: Bearer sk-e2e-Zq9rVx3Tsecret""#,
            expected: #"bad header "Authorization: Bearer [redacted]""#),
        RedactionCase(
            input: "authorization: bearer abc.def-ghi", expected: "authorization: bearer [redacted]"),
        RedactionCase(input: "task-queue and sk-short stay", expected: "task-queue and sk-short stay"),
    ])
    func keyShapedTextIsMasked(_ example: RedactionCase) {
        #expect(SecretRedactor.redact(example.input) == example.expected)
    }

    @Test func aResolvedKeyOfAnyShapeIsMaskedEverywhereAfterwards() throws {
        let azureKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        let resolver = APIKeyResolver(environment: ["AZURE_KEY": azureKey], fileExists: { _ in false })
        var settings = APISettings()
        settings.apiKeyEnv = "AZURE_KEY"
        #expect(try resolver.resolve(settings) == azureKey)

        let echoed = "Access denied due to invalid subscription key \(azureKey)."
        #expect(SecretRedactor.redact(echoed) == "Access denied due to invalid subscription key [redacted].")
        let error = APIError(kind: .http(status: 401), message: echoed, endpoint: "GET /fine_tuning/jobs")
        #expect(!error.description.contains(azureKey))
        let outcome = CycleOutcome(thrown: error, finishedAt: 0, nextCycleAt: nil)
        #expect(outcome.error?.contains(azureKey) == false)
        let line = LineLogHandler.format(
            level: .error, message: "request failed: \(echoed)", metadata: ["body": "\(azureKey)"],
            label: "ftd",
            style: .journal, time: Date(timeIntervalSince1970: 0))
        #expect(!line.contains(azureKey))
    }

    @Test func anAPIErrorThatEchoesTheAuthorizationHeaderKeepsNoKey() async throws {
        let key = APIClientTests.key
        let body =
            #"{"error":{"message":"Malformed header 'Authorization: Bearer \#(key)'","code":"bad_header"}}"#
        let failure = try await APIClientTests.withServer([.init(status: 400, body: body)]) { server in
            do {
                _ = try await APIClientTests.client(server).listJobs(after: nil, limit: 20)
                return APIError(kind: .transport, message: "no error", endpoint: "")
            } catch let failure as APIError {
                return failure
            }
        }
        #expect(!failure.description.contains(key), "\(failure.description)")
        #expect(failure.description.contains("[redacted]"), "\(failure.description)")
    }

    @Test(arguments: [UInt32(0o644), 0o604, 0o666, 0o606])
    func aKeyFileOpenToEveryUserIsRefusedNamingItsMode(_ mode: UInt32) {
        let resolver = APIKeyResolver(
            environment: [:], fileExists: { _ in true }, readFile: { _ in "sk-file-1234567890" },
            fileMode: { _ in mode })
        var settings = APISettings()
        settings.apiKeyFile = "/etc/ftd/openai_api_key"
        let error = #expect(throws: ConfigurationError.self) { try resolver.resolve(settings) }
        #expect(error?.key == "api.api_key_file")
        #expect(
            error?.description.contains("mode 0\(String(mode, radix: 8))") == true,
            "\(String(describing: error))")
        #expect(error?.description.contains("chmod 600 /etc/ftd/openai_api_key") == true)
        #expect(error?.description.contains("sk-file") == false)
    }

    @Test(arguments: [UInt32(0o600), 0o400, 0o640, 0o440])
    func aPrivateOrGroupKeyFileIsAccepted(_ mode: UInt32) throws {
        let resolver = APIKeyResolver(
            environment: [:], fileExists: { _ in true }, readFile: { _ in "sk-file-1234567890" },
            fileMode: { _ in mode })
        var settings = APISettings()
        settings.apiKeyFile = "/etc/ftd/openai_api_key"
        #expect(try resolver.resolve(settings) == "sk-file-1234567890")
    }

    @Test func scrubbingRemovesTheVariableAndItsBytesFromTheEnvironment() throws {
        let name = "FTD_TEST_SCRUB_\(UInt32.random(in: 0...UInt32.max))"
        setenv(name, "sk-scrub-secret-value", 1)
        let pointer = try #require(getenv(name))
        ProcessSecrets.scrubEnvironmentVariable(name)
        #expect(getenv(name) == nil)
        #expect(ProcessInfo.processInfo.environment[name] == nil)
        // The bytes where the value was are zero: nothing for /proc/PID/environ to show.
        #expect(pointer.pointee == 0)
    }

    /// The test process itself is made undumpable: harmless here (no core dumps; its own
    /// /proc files stay readable to it, and children are dumpable again after exec).
    @Test func theDaemonCanCloseItsProcessFilesToItsUser() {
        #expect(ProcessSecrets.closeProcessToItsUser())
        #expect(ProcessSecrets.isDumpable == false)
    }
}
