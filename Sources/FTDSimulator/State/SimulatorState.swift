import Logging

/// All the simulator's mutable state: jobs, files, faults, the request log and the clock.
/// Job state is never advanced in the background; each answer computes it from the clock.
actor SimulatorState {
    let logger: Logger
    /// The API imitated, fixed at start.
    nonisolated let flavor: SimulatorFlavor
    /// The api-version the dated Azure surface accepts.
    nonisolated let acceptedAPIVersion: String
    private(set) var clock: SimulatorClock
    var generator: SeededGenerator
    var jobs: [String: SimulatedJob] = [:]
    var files: [String: StoredFile] = [:]
    var finishedEvents = FinishedEventsCache()
    private var faults: FaultInjector
    private var revokedKeys: Set<String>
    private var requests: [String] = []
    private var requestCounter: UInt64 = 0
    private(set) var isStopping = false
    private let rateLimit: (budget: Int, window: Double)?
    let fileProcessingSeconds: Double
    let chatSecondsPerToken: Double
    var chatCounter: UInt64 = 0
    private var windowStart = ContinuousClock.now
    private var windowCount = 0
    /// API answers that were 429s for exceeding `requestsPerWindow`.
    private(set) var rateLimitedCount = 0

    init(configuration: SimulatorConfiguration, logger: Logger) {
        self.logger = logger
        self.flavor = configuration.flavor
        self.acceptedAPIVersion = configuration.acceptedAPIVersion
        self.clock = SimulatorClock(mode: configuration.clock, speed: configuration.speed)
        self.generator = SeededGenerator(seed: configuration.seed)
        self.faults = FaultInjector(rules: configuration.faults)
        self.revokedKeys = configuration.revokedKeys
        self.rateLimit = configuration.requestsPerWindow.map { ($0, configuration.rateLimitWindow) }
        self.fileProcessingSeconds = max(0, configuration.fileProcessingSeconds)
        self.chatSecondsPerToken = max(0, configuration.chatSecondsPerToken)
    }

    /// Counts a request against the budget: the `x-ratelimit-*-requests` values to send,
    /// and whether it is over the budget (then it gets a 429). Nil without a budget.
    func spendRequestBudget() -> (limit: Int, remaining: Int, resetSeconds: Double, exceeded: Bool)? {
        guard let rateLimit else { return nil }
        let elapsed = windowStart.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if seconds >= rateLimit.window {
            windowStart = .now
            windowCount = 0
        }
        windowCount += 1
        let exceeded = windowCount > rateLimit.budget
        if exceeded { rateLimitedCount += 1 }
        let reset = max(0, rateLimit.window - (seconds >= rateLimit.window ? 0 : seconds))
        return (rateLimit.budget, max(0, rateLimit.budget - windowCount), reset, exceeded)
    }

    var now: Double { clock.now() }

    func advanceClock(by seconds: Double) {
        clock.advance(by: seconds)
    }

    func markStopping() {
        isStopping = true
    }

    // MARK: Request accounting

    func nextRequestID() -> String {
        requestCounter += 1
        var idGenerator = SeededGenerator.derived(from: 0xA11CE, purpose: requestCounter)
        return "req_" + String(idGenerator.next(), radix: 16)
    }

    func record(request line: String) {
        requests.append(line)
    }

    var requestLog: [String] { requests }

    func resetRequestLog() {
        requests.removeAll()
    }

    // MARK: Faults and keys

    func addFault(_ rule: FaultRule) {
        faults.add(rule)
    }

    func clearFaults() {
        faults.clear()
    }

    var activeFaults: [FaultRule] { faults.rules }

    func takeFault(for pathAndQuery: String) -> FaultRule.Kind? {
        faults.take(for: pathAndQuery)
    }

    func revokeKey(_ key: String) {
        revokedKeys.insert(key)
    }

    func isRevoked(_ key: String) -> Bool {
        revokedKeys.contains(key)
    }

    // MARK: Ids

    func newID(prefix: String) -> String {
        prefix + generator.alphanumeric(24)
    }

    /// Azure's form of an id: the prefix and 32 lowercase hex digits.
    func newHexID(prefix: String) -> String {
        prefix + generator.hex(32)
    }
}
