/// Decides whether what a cycle observed of a job is a status change.
///
/// Only what was actually seen is recorded: a job that went `validating_files → queued →
/// succeeded` between two cycles yields the one transition `validating_files → succeeded`,
/// never an invented `queued`. Statuses are an open set and are kept exactly as sent.
public enum TransitionDetector {
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
