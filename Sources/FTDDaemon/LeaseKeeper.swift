import FTDStore
import Logging
import Synchronization

/// What a leader's work throws once its lease was lost (SPEC section 11): the work was
/// cancelled, its hooks stopped; another daemon may lead now.
public struct LeaseLost: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "lost the leader lease: \(reason)" }
}

/// One term of a leader's lease (SPEC section 11): renews it, keeps the local deadline, and
/// says when the lease is lost.
///
/// The deadline is on the monotonic clock that counts a suspended machine's sleep
/// (`ContinuousClock`, Linux's CLOCK_BOOTTIME: the store's clock goes on while this machine
/// sleeps): the instant the last successful renewal was SENT, plus the TTL, minus the
/// margin (`LeaseTiming`). Passing it without a renewal loses the lease here, before the
/// store can have given it to another daemon; so does a renewal the store refused (another
/// daemon holds the lease) or a write it refused (`StoreError.notLeader`).
final class LeaseKeeper: Sendable {
    typealias Lost = LeaseLost

    private struct State {
        var deadline: ContinuousClock.Instant
        /// Why the last renewal failed, while none has succeeded since.
        var lastError: String?
        var lost: String?
    }

    let lease: any LeaderLease
    let timing: LeaseTiming
    let term: Int64
    let logger: Logger
    /// Called once, the moment the lease is lost, before any work is cancelled.
    private let onLost: @Sendable () -> Void
    private let state: Mutex<State>
    private let losses: AsyncStream<String>
    private let lossContinuation: AsyncStream<String>.Continuation

    /// - Parameter sentAt: when the request that granted the lease was sent.
    init(
        lease: any LeaderLease, timing: LeaseTiming, term: Int64, sentAt: ContinuousClock.Instant,
        logger: Logger,
        onLost: @escaping @Sendable () -> Void = {}
    ) {
        self.lease = lease
        self.timing = timing
        self.term = term
        self.logger = logger
        self.onLost = onLost
        state = Mutex(State(deadline: sentAt + timing.ttl - timing.margin))
        (losses, lossContinuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    var isLost: Bool { state.withLock { $0.lost != nil } }

    /// The local deadline: the lease is given up when it passes without a renewal.
    var deadline: ContinuousClock.Instant { state.withLock { $0.deadline } }

    /// Renews the lease once (at a cycle's start, and on the keeper's timer). False once the
    /// lease is lost; true while it holds, even when this renewal failed but the deadline
    /// has not passed.
    @discardableResult
    func renew() async -> Bool {
        guard !isLost else { return false }
        let sent = ContinuousClock.now
        let lease = self.lease
        let ttl = timing.ttl
        do {
            guard
                let attempt = try await Self.within(
                    timing.renewEvery, { try await lease.acquireLease(ttl: ttl) })
            else {
                failed("no answer from the store within \(Self.seconds(timing.renewEvery)) s")
                return !isLost
            }
            switch attempt {
            case .granted(let grant) where !grant.tookOver && grant.term == term:
                state.withLock { state in
                    guard state.lost == nil else { return }
                    state.deadline = max(state.deadline, sent + timing.ttl - timing.margin)
                    state.lastError = nil
                }
            case .granted(let grant):
                // The store found this daemon's lease expired: whatever ran since may have
                // overlapped another leader. Stop, and take the new term from the start.
                lose("it expired before this renewal reached the store (term \(grant.term) began)")
            case .held(let holder):
                lose(
                    "\(holder.map { "\($0.name) holds it now (term \($0.term))" } ?? "another daemon holds it now")"
                )
            }
        } catch is CancellationError {
        } catch {
            failed("\(error)")
        }
        return !isLost
    }

    /// A write of this term failed: a `StoreError.notLeader` loses the lease.
    func check(_ error: any Error) {
        if case .notLeader? = error as? StoreError {
            lose("the store refused a write: another daemon holds the lease, or it expired")
        }
    }

    /// Loses the lease (once): logs why, tells `onLost`, and wakes `whileHeld`.
    func lose(_ reason: String) {
        let first = state.withLock { state in
            guard state.lost == nil else { return false }
            state.lost = reason
            return true
        }
        guard first else { return }
        logger.notice("lost the leader lease: \(reason); stopping the poller and the hooks, standing by")
        onLost()
        lossContinuation.yield(reason)
        lossContinuation.finish()
    }

    private func failed(_ reason: String) {
        let first = state.withLock { state in
            defer { state.lastError = reason }
            return state.lastError == nil
        }
        if first { logger.warning("cannot renew the leader lease: \(reason); trying again") }
    }

    /// Runs `work` while the lease holds: renews it on the timer, watches the deadline, and
    /// once the lease is lost cancels `work`, waits for it to end, and throws `Lost`.
    func whileHeld<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let result: Result<T, any Error>? = await withTaskGroup(of: HeldOutcome<T>.self) { group in
            group.addTask {
                do {
                    return .done(.success(try await work()))
                } catch {
                    return .done(.failure(error))
                }
            }
            group.addTask {
                await self.renewOnTimer()
                return .idle
            }
            group.addTask {
                await self.watchDeadline()
                return .idle
            }
            group.addTask {
                for await _ in self.losses { return .lost }
                return .idle
            }
            while let next = await group.next() {
                switch next {
                case .done(let result):
                    group.cancelAll()
                    return result
                case .lost:
                    // The work ends as a graceful stop ends it, without the hooks' grace
                    // (`onLost` told the dispatcher): the group waits for it.
                    group.cancelAll()
                    return nil
                case .idle:
                    continue
                }
            }
            return nil
        }
        if let reason = state.withLock({ $0.lost }) { throw Lost(reason: reason) }
        guard let result else { throw CancellationError() }
        return try result.get()
    }

    /// Renews every `renewEvery` until cancelled or lost.
    private func renewOnTimer() async {
        var next = ContinuousClock.now + timing.renewEvery
        while !isLost {
            do {
                try await Task.sleep(until: next, clock: .continuous)
            } catch {
                return
            }
            next = max(next + timing.renewEvery, ContinuousClock.now)
            guard await renew() else { return }
        }
    }

    /// Loses the lease when the deadline passes without a renewal.
    private func watchDeadline() async {
        while !isLost {
            let deadline = self.deadline
            let now = ContinuousClock.now
            if now >= deadline {
                let detail = state.withLock { $0.lastError } ?? "no answer from the store"
                // Woken long after the deadline: the process (or the machine) was paused.
                let when =
                    now - deadline >= timing.margin
                    ? "it has expired: was this process paused?"
                    : "\(Self.seconds(timing.margin)) s before it expires"
                // Since the last renewal that reached the store was sent: more than the
                // usual TTL less the margin when the process was paused.
                let since = now - (deadline - (timing.ttl - timing.margin))
                lose("not renewed for \(Self.seconds(since)) s (\(detail)), \(when)")
                return
            }
            do {
                try await Task.sleep(until: deadline, clock: .continuous)
            } catch {
                return
            }
        }
    }

    /// `operation`'s result, or nil when `timeout` passed first. The operation runs in a
    /// task of its own, cancelled at the timeout and left to end by itself: a query stuck on
    /// a dead connection must not hold the daemon.
    static func within<T: Sendable>(
        _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        let slot = Mutex<CheckedContinuation<T?, any Error>?>(nil)
        let resume: @Sendable (Result<T?, any Error>) -> Void = { result in
            slot.withLock { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
        let tasks = Mutex<[Task<Void, Never>]>([])
        let cancelTasks: @Sendable () -> Void = { for task in tasks.withLock({ $0 }) { task.cancel() } }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                slot.withLock { $0 = continuation }
                let work = Task {
                    do {
                        resume(.success(try await operation()))
                    } catch {
                        resume(.failure(error))
                    }
                    cancelTasks()
                }
                let timer = Task {
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    resume(.success(nil))
                    work.cancel()
                }
                tasks.withLock { $0 = [work, timer] }
                // Cancelled before the slot was filled: `onCancel` found nothing to resume.
                if Task.isCancelled {
                    resume(.failure(CancellationError()))
                    cancelTasks()
                }
            }
        } onCancel: {
            resume(.failure(CancellationError()))
            cancelTasks()
        }
    }

    /// Seconds, as a log line shows them (`7.5`, `30`).
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = attoseconds / 100_000_000_000_000_000
        return tenths == 0 ? "\(seconds)" : "\(seconds).\(tenths)"
    }
}

/// How one task of `LeaseKeeper.whileHeld` ended.
private enum HeldOutcome<T: Sendable>: Sendable {
    case done(Result<T, any Error>)
    case lost
    case idle
}
