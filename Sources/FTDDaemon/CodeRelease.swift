import FTDModel

/// When the daemon lets the code it ran once leave its resident set
/// (`ProcessMemory.releaseCodePages`): once every account has finished its first cycle
/// (start-up and the first sync are behind it), and then at most once an hour, so that
/// code a reload or a rare error path ran does not stay resident for months.
public final class CodeRelease: Sendable {
    private let last = Locked<SuspendingClock.Instant?>(nil)
    private let every: Duration

    public init(every: Duration = .seconds(3_600)) {
        self.every = every
    }

    /// Whether to release now: at the end of the first round of cycles, then once
    /// `every` has passed since the last release.
    public func due(firstRoundDone: Bool, now: SuspendingClock.Instant = .now) -> Bool {
        last.withLock { last in
            let isDue = last.map { now - $0 >= every } ?? firstRoundDone
            if isDue { last = now }
            return isDue
        }
    }
}
