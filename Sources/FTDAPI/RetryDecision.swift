/// What to do after a failed attempt.
public enum RetryDecision: Sendable, Equatable {
    case retry(after: Duration)
    case giveUp
}
