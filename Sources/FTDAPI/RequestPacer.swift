/// Runs `RateLimitState` for one client: every request of every concurrent job asks it
/// for its turn, and every answer is shown to it.
public actor RequestPacer {
    private var state: RateLimitState
    private let origin = SuspendingClock.now

    public init(maxRequestsPerMinute: Int? = nil) {
        state = RateLimitState(maxRequestsPerMinute: maxRequestsPerMinute)
    }

    public init(_ state: RateLimitState) { self.state = state }

    private var now: Double {
        (SuspendingClock.now - origin).inSeconds
    }

    /// Waits until this request may start; cancellation ends the wait at once.
    public func waitTurn() async throws {
        let start = state.reserveStart(at: now)
        let wait = start - now
        if wait > 0.001 { try await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
    }

    public func observe(status: Int, headers: [(String, String)]) {
        state.observe(status: status, headers: headers, at: now)
    }

    public var snapshot: RateLimitState { state }
}
