import Synchronization

/// The jobs that webhooks asked one account's poller to sync now (SPEC section 9), and the
/// poller's doorbell.
///
/// `request(_:)` never waits: the web server calls it before it answers the webhook, so it
/// takes a lock for a few instructions and rings. The poller drains the queue between its
/// cycles, one job at a time, so an account never syncs twice at once.
///
/// A job already waiting is not queued twice (ten webhooks about one job are one sync), and
/// at most `capacity` jobs wait: past that a request is turned away and counted, so a flood
/// of valid webhooks cannot grow memory without bound. Turning one away loses nothing but
/// time: the timer's next cycle syncs every job anyway. A job being synced is no longer
/// waiting, so a webhook that arrives during its sync queues it again: that sync may have
/// read the job before the change the webhook announces.
public final class JobSyncQueue: Sendable {
    /// What became of a request.
    public enum Admission: Equatable, Sendable {
        case queued
        /// Already waiting: the sync to come covers this request too.
        case coalesced
        /// The queue was full: the next cycle syncs the job.
        case full
    }

    /// Far more jobs than anyone trains at once, and a few kilobytes of ids.
    public static let defaultCapacity = 256

    public let capacity: Int

    private struct State {
        /// Waiting, oldest first.
        var ids: [String] = []
        var waiting: Set<String> = []
        /// Turned away since the last `take()`.
        var dropped = 0
    }

    private let state = Mutex(State())
    private let continuation: AsyncStream<Void>.Continuation
    /// Rings once for any number of `wake()`s and requests made before the poller looks:
    /// the poller then takes everything waiting.
    let wakeups: AsyncStream<Void>

    public init(capacity: Int = JobSyncQueue.defaultCapacity) {
        precondition(capacity > 0, "a sync queue must hold at least one job")
        self.capacity = capacity
        (wakeups, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for `jobID` to be synced as soon as the poller is free. Never waits.
    @discardableResult
    public func request(_ jobID: String) -> Admission {
        let admission = state.withLock { state -> Admission in
            if state.waiting.contains(jobID) { return .coalesced }
            guard state.ids.count < capacity else {
                state.dropped += 1
                return .full
            }
            state.ids.append(jobID)
            state.waiting.insert(jobID)
            return .queued
        }
        if admission == .queued { wake() }
        return admission
    }

    /// Rings without a job: the poller's timer ticked.
    func wake() { continuation.yield() }

    /// Every job waiting, oldest first, now no longer waiting; and how many requests were
    /// turned away since the last take.
    public func take() -> (ids: [String], dropped: Int) {
        state.withLock { state in
            defer { state = State() }
            return (state.ids, state.dropped)
        }
    }

    /// How many jobs wait.
    public var count: Int { state.withLock { $0.ids.count } }

    /// Ends the doorbell: the poller stopped.
    func finish() { continuation.finish() }
}
