import Hummingbird
import Logging
// Visible through Hummingbird, whose Application is a ServiceLifecycle Service.
import ServiceLifecycle

/// A local OpenAI-compatible fine-tuning API on 127.0.0.1, for trying the daemon, hooks and
/// scripts without an account. Start it, point a client at `baseURL`, stop it when done.
public actor FineTuningSimulator {
    public nonisolated let configuration: SimulatorConfiguration
    private let logger: Logger
    private let state: SimulatorState
    private var serverTask: Task<Void, any Error>?
    private var serviceGroup: ServiceGroup?
    private var boundPort: Int?
    private var seeded = false

    public init(configuration: SimulatorConfiguration = SimulatorConfiguration(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.state = SimulatorState(configuration: configuration, logger: logger)
    }

    /// Binds and serves; returns once the server is listening.
    public func start() async throws {
        guard serverTask == nil else { return }
        await seedOnce()
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        // No signal handling here: the command that embeds the simulator owns the signals.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application], gracefulShutdownSignals: [], logger: logger)
        )
        let task = Task {
            defer { portContinuation.finish() }
            try await group.run()
        }
        serverTask = task
        serviceGroup = group
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            serverTask = nil
            serviceGroup = nil
            try await task.value
            throw SimulatorStartError(
                host: configuration.host, port: configuration.port,
                reason: "the server stopped before it was listening")
        }
        boundPort = port
        logger.info("simulator serving", metadata: ["http.address": "\(configuration.host):\(port)"])
    }

    /// Stops serving; nothing of the simulator is left running afterwards.
    public func stop() async {
        guard let task = serverTask else { return }
        await state.markStopping()
        // Graceful, so that answers in flight complete; a connection that keeps it from
        // finishing is cut after a few seconds.
        await serviceGroup?.triggerGracefulShutdown()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(5))
            task.cancel()
        }
        _ = try? await task.value
        watchdog.cancel()
        serverTask = nil
        serviceGroup = nil
        boundPort = nil
    }

    /// The bound port (a free one when the configuration asked for 0); 0 before `start()`.
    public var port: Int { boundPort ?? 0 }

    /// What a client is given: `http://127.0.0.1:PORT/v1` (its base URL) for OpenAI, the
    /// resource endpoint `http://127.0.0.1:PORT` for Azure (SPEC §8), under which it finds
    /// `/openai/v1/...` and `/openai/...?api-version=`.
    public var baseURL: String {
        configuration.flavor == .azure ? endpoint : "\(endpoint)/v1"
    }

    /// `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://\(configuration.host):\(port)" }

    // MARK: Controls

    public func addFault(_ rule: FaultRule) async { await state.addFault(rule) }
    public func clearFaults() async { await state.clearFaults() }
    public func faults() async -> [FaultRule] { await state.activeFaults }

    /// `"METHOD /path?query"` of every API (`/v1`, or Azure's `/openai`) request since the start or the last reset, in order.
    public func requestLog() async -> [String] { await state.requestLog }
    public func resetRequestLog() async { await state.resetRequestLog() }

    /// Moves simulated time forward (the way to make time pass on a manual clock).
    public func advanceClock(by seconds: Int64) async { await state.advanceClock(by: Double(seconds)) }

    /// Simulated unix seconds now.
    public func now() async -> Int64 { JobTimeline.seconds(await state.now) }

    /// Adds a job following `script`; returns its `ftjob-…` id.
    public func addJob(_ script: JobScript) async -> String {
        await seedOnce()
        return await state.addJob(script)
    }

    /// Ids of the jobs that exist now, newest first, as the list endpoint orders them.
    public func jobIDs() async -> [String] {
        await seedOnce()
        return await state.visibleJobs(at: state.now).map(\.id)
    }

    /// Stores a file as `POST /v1/files` would, without its JSONL check; it reads `processed`
    /// after `fileProcessingSeconds`. Returns its `file-…` id.
    public func uploadFile(filename: String, purpose: String = "fine-tune", content: [UInt8]) async -> String
    {
        let file = await state.uploadFile(filename: filename, purpose: purpose, content: content)
        return file["id"]?.stringValue ?? ""
    }

    /// Requests with this key get 401 from now on.
    public func revokeKey(_ key: String) async { await state.revokeKey(key) }

    /// Answers that were 429s for exceeding `requestsPerWindow`.
    public func rateLimitedCount() async -> Int { await state.rateLimitedCount }

    // MARK: Setup

    private func seedOnce() async {
        guard !seeded else { return }
        seeded = true
        await state.seed(configuration)
    }

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: APIGatewayMiddleware(state: state))
        // Azure serves both of its surfaces: v1 and the dated one (docs/azure.md).
        let prefixes = configuration.flavor == .azure ? ["openai/v1", "openai"] : ["v1"]
        for prefix in prefixes {
            JobRoutes(state: state, prefix: prefix).add(to: router)
            JobHistoryRoutes(state: state, prefix: prefix).add(to: router)
            FileRoutes(state: state, prefix: prefix).add(to: router)
        }
        let chat = ChatRoutes(state: state, prefix: prefixes[0])
        chat.add(to: router)
        // Chat on Azure's dated surface goes through /openai/deployments/{name}/...
        if configuration.flavor == .azure { chat.addDeployments(to: router) }
        ControlRoutes(state: state).add(to: router)
        return router
    }
}

/// The simulator could not start listening.
public struct SimulatorStartError: Error, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let reason: String

    public var description: String {
        "simulator: cannot listen on \(host):\(port): \(reason); pick another port with --port (0 picks a free one)"
    }
}
