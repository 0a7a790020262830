import FTDModel

/// Decides whether what a cycle observed of a job is news, and whether it is a status
/// change. The store applies it inside the cycle's transaction (`PollStore.record`).
///
/// Only what was actually seen is recorded: a job that went `validating_files → queued →
/// succeeded` between two cycles yields the one transition `validating_files → succeeded`,
/// never an invented `queued`. Statuses are an open set and are kept exactly as sent.
public enum TransitionDetector {
    /// The rule of every writer: the daemon's cycle and the workflow commands.
    public static let rule: TransitionRule = { judge($0) }

    public static func judge(_ observation: JobObservation) -> ObservationVerdict {
        if let stored = observation.stored {
            // Several writers share the database (the daemon, `watch`, `submit`, `cancel`),
            // each reading the API before it commits: an observation that is not newer than
            // the stored one must not undo it (a stale `running` after a recorded
            // `succeeded` would be a false transition, and fire the hooks of `succeeded` a
            // second time later). Two looks never share an instant within a process; one
            // shared across processes keeps what was stored first.
            guard observation.observed > stored.observed else { return .stale }
            // A job never leaves a terminal status: a look that says otherwise was taken
            // before it ended, whatever its clock says (two machines' clocks, a clock set
            // back).
            if JobStatus.isTerminal(stored.status), !JobStatus.isTerminal(observation.status) {
                return .stale
            }
        }
        return .newer(
            transition(
                jobID: observation.jobID, stored: observation.stored?.status, observed: observation.status,
                observedAt: observation.observed.unixSeconds, isBaseline: observation.isBaseline))
    }

    /// - Parameters:
    ///   - jobID: the job observed.
    ///   - stored: the status stored for the job, nil when it was never seen.
    ///   - observed: the status the API sent this cycle.
    ///   - observedAt: unix seconds when the cycle saw it.
    ///   - isBaseline: whether this is the baseline cycle (its transitions fire no hook).
    /// - Returns: the one transition observed, or nil when the status did not change.
    public static func transition(
        jobID: String, stored: String?, observed: String, observedAt: Int64, isBaseline: Bool
    ) -> Transition? {
        guard stored != observed else { return nil }
        return Transition(
            jobID: jobID, from: stored, to: observed, observedAt: observedAt, isBaseline: isBaseline)
    }
}
