import FTDSimulator
import Foundation
import Testing

/// The built `ftd` against the simulator's Azure flavor (SPEC section 8): `run --once`,
/// `submit`, `cancel` and `try --deployment`, on the dated and the v1 surface.
///
/// An Azure account is configured with `[[accounts]]`, which the configuration parser
/// reads once it is merged; until then these scenes stop at the refused file as a known
/// issue (the client's Azure side is tested in-process by FTDCoreTests' AzureSimulatorTests).
@Suite(.timeLimit(.minutes(3))) struct AzureCommandTests {
    static let key = "azure-e2e-key-0123"
    static let deploymentMissing =
        "a fine-tuned Azure OpenAI model answers only through a deployment: pass --deployment NAME (create one in the Azure portal or with az cognitiveservices account deployment create)"

    static func azure(
        apiVersion: String?, _ body: (Sandbox) async throws -> Void
    ) async throws {
        var configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000))
        configuration.flavor = .azure
        configuration.fileProcessingSeconds = 0
        try await Sandbox.with(configuration) { sandbox in
            let version = apiVersion.map { "api_version = \"\($0)\"\n" } ?? ""
            let text = """
                [[accounts]]
                name = "azure-eu"
                provider = "azure"
                endpoint = "\(sandbox.baseURL)"
                \(version)api_key_env = "AZURE_OPENAI_API_KEY"
                max_retries = 1

                [poll]
                interval = 1
                idle_interval = 1

                [storage]
                database = "\(sandbox.databasePath)"
                """
            try text.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
            try await body(sandbox)
        }
    }

    func ftd(_ sandbox: Sandbox, _ arguments: [String]) async throws -> FTDProcess.Result {
        try await sandbox.ftd(arguments, environment: ["AZURE_OPENAI_API_KEY": Self.key])
    }

    @Test(arguments: [nil, "2024-10-21"] as [String?])
    func runOnceThenTryThroughADeployment(apiVersion: String?) async throws {
        try await Self.azure(apiVersion: apiVersion) { sandbox in
            let once = try await ftd(sandbox, ["run", "--once"])
            #expect(once.status == 0, "\(once.stderr)")
            #expect(try await sandbox.jobs().first?["status"] as? String == "pending")
            let id = try #require(await sandbox.simulator.jobIDs().first)
            await sandbox.simulator.advanceClock(by: 3600)

            await sandbox.simulator.resetRequestLog()
            let missing = try await ftd(sandbox, ["try", id, "Tell me about Gallium"])
            #expect(missing.status == 64)
            #expect(missing.stderr.contains(Self.deploymentMissing), "\(missing.stderr)")
            #expect(await sandbox.simulator.requestLog().isEmpty)

            let model = "gpt-3.5-turbo-0125.ft-\(id.dropFirst("ftjob-".count))-elle"
            let answered = try await ftd(
                sandbox, ["try", id, "Tell me about Gallium", "--deployment", model])
            #expect(answered.status == 0, "\(answered.stderr)")
            #expect(answered.stdout.contains("Gallium, oh gallium"), "\(answered.stdout)")
            let chat = await sandbox.simulator.requestLog().last ?? ""
            if let apiVersion {
                #expect(
                    chat == "POST /openai/deployments/\(model)/chat/completions?api-version=\(apiVersion)")
            } else {
                #expect(chat == "POST /openai/v1/chat/completions")
            }
        }
    }

    @Test(arguments: [nil, "2024-10-21"] as [String?])
    func submitAndCancel(apiVersion: String?) async throws {
        try await Self.azure(apiVersion: apiVersion) { sandbox in
            let submit = try await ftd(
                sandbox,
                ["submit", WorkflowTests.elle, "--model", "gpt-4o-mini-2024-07-18", "--suffix", "elle"])
            #expect(submit.status == 0, "\(submit.stderr)")
            let id = submit.stdout.trimmingCharacters(in: .newlines)
            #expect(id.hasPrefix("ftjob-"), "\(submit.stdout)")
            let cancel = try await ftd(sandbox, ["cancel", id])
            #expect(cancel.status == 0, "\(cancel.stderr)")
            #expect(
                try await sandbox.jobs().contains {
                    $0["id"] as? String == id && $0["status"] as? String == "cancelled"
                })
        }
    }

    /// OpenAI has no deployments: `--deployment` there is a mistake, said at once.
    @Test func deploymentOnAnOpenAIAccountIsAUsageError() async throws {
        try await Sandbox.with { sandbox in
            let result = try await sandbox.ftd(["try", "ft:gpt-4o-mini:o::x", "hello", "--deployment", "x"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("--deployment is for Azure OpenAI accounts"), "\(result.stderr)")
            #expect(await sandbox.simulator.requestLog().isEmpty)
        }
    }
}
