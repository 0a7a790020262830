import FTDSimulator
import Foundation
import Logging

/// One end-to-end scene: a temp directory with a config file and a database path, and the
/// simulator running in this test process, as a user would have it on their machine.
struct Sandbox {
    let directory: URL
    let simulator: FineTuningSimulator
    let baseURL: String
    /// Daemons started with `start`: killed when the scene ends, whether the test passed
    /// or threw before it could stop them.
    let started = StartedProcesses()
    var configPath: String { directory.appendingPathComponent("ftd.toml").path }
    var databasePath: String { directory.appendingPathComponent("state/ftd.sqlite3").path }
    static let apiKey = "sk-e2e-Zq9rVx3Tsecret"

    static func with(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(
            clock: .manual(start: 1_750_000_000)),
        config extra: String = "",
        _ body: (Sandbox) async throws -> Void
    ) async throws {
        let directory = try makeTemporaryDirectory()
        let simulator = FineTuningSimulator(
            configuration: configuration, logger: Logger(label: "sim") { _ in SwiftLogNoOpLogHandler() })
        try await simulator.start()
        let sandbox = Sandbox(directory: directory, simulator: simulator, baseURL: await simulator.baseURL)
        try sandbox.writeConfig(extra)
        do {
            try await body(sandbox)
        } catch {
            sandbox.started.killAll()
            await simulator.stop()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        sandbox.started.killAll()
        await simulator.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func writeConfig(_ extra: String = "") throws {
        let text = """
            [api]
            base_url = "\(baseURL)"
            max_retries = 1

            [poll]
            interval = 1
            idle_interval = 1

            [storage]
            database = "\(databasePath)"
            \(extra)
            """
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// `ftd ARGS --config …` with the API key in the environment.
    func ftd(
        _ arguments: [String], environment: [String: String] = ["OPENAI_API_KEY": apiKey],
        timeout: Duration = .seconds(60)
    ) async throws -> FTDProcess.Result {
        try await FTDProcess.run(
            arguments + ["--config", configPath], in: directory, environment: environment, timeout: timeout)
    }

    func start(_ arguments: [String], environment: [String: String] = ["OPENAI_API_KEY": apiKey]) throws
        -> FTDProcess
    {
        let process = try FTDProcess(
            arguments + ["--config", configPath], in: directory, environment: environment)
        started.add(process.process)
        return process
    }

    /// `ftd history [JOB] --json`, parsed.
    func historyJSON(_ job: String? = nil) async throws -> Any {
        let result = try await ftd(["history"] + (job.map { [$0] } ?? []) + ["--json"], environment: [:])
        guard result.status == 0 else {
            throw TimedOut(description: "ftd history failed (\(result.status)): \(result.stderr)")
        }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
    }

    func jobs() async throws -> [[String: Any]] {
        (try await historyJSON() as? [[String: Any]]) ?? []
    }
}

/// The processes a scene started, for killing whatever a failed test left running.
final class StartedProcesses: @unchecked Sendable {
    private let lock = NSLock()
    private var processes: [Process] = []

    func add(_ process: Process) { lock.withLock { processes.append(process) } }

    func killAll() {
        for process in lock.withLock({ processes }) where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }
}
