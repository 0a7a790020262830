import ArgumentParser
import FTDSimulator
import Foundation
import Logging
import UnixSignals

struct Sim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Serve a local OpenAI-compatible fine-tuning API simulator on 127.0.0.1.",
        discussion: """
            Try ftd, hooks and scripts without an account or a bill:
              ftd sim --speed 20 &
              OPENAI_BASE_URL=http://127.0.0.1:PORT/v1 OPENAI_API_KEY=sk-sim ftd run
            Faults (repeatable --fault): 429:retry-after=2:count=3, 500:count=2:path=/events,
            delay=40:count=1, malformed:count=1, truncated:count=1, wrong-shape:count=1.
            --flavor azure serves Azure OpenAI instead (docs/azure.md) and prints the
            resource endpoint, without /v1: {endpoint}/openai/v1/fine_tuning/jobs, and
            {endpoint}/openai/fine_tuning/jobs?api-version=V, with the key in an api-key header.
            """)

    @Option(help: "The API imitated: openai (the default) or azure.")
    var flavor: String = "openai"

    @Option(help: "Azure only: the api-version the dated surface accepts (default 2024-10-21).")
    var apiVersion: String?

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 0

    @Option(help: "How many times faster than real time jobs progress.")
    var speed: Double = 1

    @Option(
        help: ArgumentHelp(
            "The jobs present at start; all but empty seed one job, created at start.",
            discussion: Scenario.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "\n")))
    var scenario: String = "elle"

    @Option(help: "Also seed this many jobs that finished long ago.")
    var finishedJobs = 0

    @Option(help: "Training steps of each of those finished jobs.")
    var finishedSteps = 30

    @Option(help: "Also seed this many long-running active jobs.")
    var activeJobs = 0

    @Option(help: "Allow this many requests a minute, announced in x-ratelimit-* headers; more get a 429.")
    var rateLimit: Int?

    @Option(help: "Inject a fault (see above); repeatable.")
    var fault: [String] = []

    @Flag(name: .shortAndLong, help: "Log every request on stderr.")
    var verbose = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard speed > 0 else { throw ValidationError("--speed must be positive") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1") }
        guard finishedJobs >= 0, activeJobs >= 0 else {
            throw ValidationError("job counts must be 0 or more")
        }
        guard finishedSteps >= 1 else { throw ValidationError("--finished-steps must be at least 1") }
        guard let chosen = SimulatorFlavor(rawValue: flavor) else {
            throw ValidationError(
                "--flavor must be one of: \(SimulatorFlavor.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if apiVersion != nil, chosen != .azure {
            throw ValidationError("--api-version needs --flavor azure")
        }
        if let apiVersion, apiVersion.isEmpty { throw ValidationError("--api-version must not be empty") }
        guard Scenario(rawValue: scenario) != nil else {
            throw ValidationError(
                "--scenario must be one of: \(Scenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        LogSetup.bootstrap(verbose: verbose, environment: ProcessInfo.processInfo.environment)
        var faults: [FaultRule] = []
        for spec in fault {
            do { faults.append(try FaultRule.parse(spec)) } catch {
                throw Failure(message: "--fault \(spec): \(error)", code: Failure.usage)
            }
        }
        var configuration = SimulatorConfiguration()
        configuration.port = port
        configuration.speed = speed
        configuration.scenario = Scenario(rawValue: scenario) ?? .elle
        configuration.finishedJobs = finishedJobs
        configuration.finishedJobSteps = finishedSteps
        configuration.activeJobs = activeJobs
        configuration.faults = faults
        configuration.requestsPerWindow = rateLimit
        configuration.flavor = SimulatorFlavor(rawValue: flavor) ?? .openai
        configuration.apiVersion = apiVersion
        let simulator = FineTuningSimulator(configuration: configuration, logger: Logger(label: "ftd.sim"))
        try await simulator.start()
        Terminal.write("ftd sim: serving on \(await simulator.baseURL)\n")
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        for await _ in signals { break }
        await simulator.stop()
    }
}
