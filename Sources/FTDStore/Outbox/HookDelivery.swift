import FTDModel

/// One (transition, hook) pair: a delivery. Written in the cycle's transaction, marked
/// done only after the hook exited 0 or used up its attempts (SPEC section 5), or was cut
/// short by crashes too often.
public struct HookDelivery: Sendable, Equatable {
    /// Stable: the same on every attempt and after a restart (`FTD_DELIVERY_ID`).
    public var id: String
    /// The hook's name in the configuration.
    public var hook: String
    /// For an alert's delivery: the job's status then, with no previous status.
    public var transition: Transition
    /// Set when the delivery is for an alert (SPEC section 10) rather than a transition.
    public var alert: JobAlert?
    /// The job as the API sent it when the transition was observed (`raw` is what the
    /// hook's stdin carries).
    public var job: FineTuningJob
    /// Attempts that count against the retries: those that ran to their end (an exit, a
    /// timeout). Not those a crash or a graceful stop cut short.
    public var attemptsMade: Int
    /// Attempts a crash cut short (`kill -9` while the hook ran): numbered and recorded,
    /// but bounded apart (`HookDispatcher.maxInterruptedAttempts`).
    public var interruptedRuns: Int

    public init(
        id: String, hook: String, transition: Transition, job: FineTuningJob, attemptsMade: Int,
        interruptedRuns: Int = 0, alert: JobAlert? = nil
    ) {
        self.alert = alert
        self.id = id
        self.hook = hook
        self.transition = transition
        self.job = job
        self.attemptsMade = attemptsMade
        self.interruptedRuns = interruptedRuns
    }
}

/// What one attempt of a hook did.
public struct HookRunResult: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case succeeded
        case failed
        case timedOut = "timed_out"
    }

    /// nil when the hook was killed by a signal (timeout, or it could not start).
    public var exitCode: Int32?
    public var timedOut: Bool
    /// Unix seconds.
    public var startedAt: Int64
    public var durationMs: Int
    /// Captured, each truncated to 64 KiB.
    public var stdout: String
    public var stderr: String

    public init(
        exitCode: Int32?, timedOut: Bool, startedAt: Int64, durationMs: Int, stdout: String = "",
        stderr: String = ""
    ) {
        self.exitCode = exitCode
        self.timedOut = timedOut
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.stdout = stdout
        self.stderr = stderr
    }

    public var outcome: Outcome {
        if timedOut { return .timedOut }
        return exitCode == 0 ? .succeeded : .failed
    }
}
