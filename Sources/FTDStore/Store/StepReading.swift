/// How `HistoryStore.jobDetail` reads a job's loss steps: a long job has 100,000 of them.
public enum StepReading: Sendable {
    /// None: `steps` is empty (a caller that has them already).
    case none
    /// Every step whole, in `steps`.
    case all
    /// Only what a chart draws, in `curve` (`steps` is empty).
    case curve
}
