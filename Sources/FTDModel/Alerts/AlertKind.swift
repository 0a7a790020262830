/// The findings about a job that no status change announces (SPEC section 10).
public enum AlertKind: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// The job has waited longer than `alerts.queued_after` to start.
    case queuedTooLong = "queued_too_long"
    /// A running job has had no new event for `alerts.stalled_after`.
    case stalled
    /// A train loss is not finite, or the smoothed train loss rose above
    /// `alerts.diverge_ratio` times its minimum so far.
    case lossDiverged = "loss_diverged"
    /// The validation loss rose `alerts.overfit_patience` times in a row above its minimum
    /// while the train loss fell.
    case overfitting

    /// What a hook's `on` lists to hear of this kind: `alert:KIND`.
    public var hookEvent: String { AlertKind.hookPrefix + rawValue }

    /// `alert:`, the prefix of an alert in a hook's `on`; `alert:*` hears of every kind.
    public static let hookPrefix = "alert:"
    public static let anyHookEvent = "alert:*"
}

/// The thresholds of `[alerts]`; 0 turns that alert off.
public struct AlertThresholds: Sendable, Equatable {
    /// Seconds in `validating_files`/`queued`/`pending` before `queued_too_long`.
    public var queuedAfter: Int = 7200
    /// Seconds running without a new event before `stalled`.
    public var stalledAfter: Int = 1800
    /// The smoothed train loss above this multiple of its minimum so far is `loss_diverged`.
    public var divergeRatio: Double = 2.0
    /// Validation losses in a row above their minimum, while the train loss falls.
    public var overfitPatience: Int = 3

    public init(
        queuedAfter: Int = 7200, stalledAfter: Int = 1800, divergeRatio: Double = 2.0,
        overfitPatience: Int = 3
    ) {
        self.queuedAfter = queuedAfter
        self.stalledAfter = stalledAfter
        self.divergeRatio = divergeRatio
        self.overfitPatience = overfitPatience
    }

    /// Whether no alert can fire at all.
    public var allOff: Bool {
        queuedAfter == 0 && stalledAfter == 0 && divergeRatio == 0 && overfitPatience == 0
    }
}

/// An alert as stored: fired once per (job, kind).
public struct JobAlert: Sendable, Equatable {
    public var account: String
    public var jobID: String
    public var kind: AlertKind
    /// One line for people (`FTD_ALERT_DETAIL`).
    public var detail: String
    /// Unix seconds when the daemon judged it.
    public var observedAt: Int64
    /// The job's latest stored step then; nil when it had none.
    public var step: Int?

    public init(
        account: String, jobID: String, kind: AlertKind, detail: String, observedAt: Int64, step: Int?
    ) {
        self.account = account
        self.jobID = jobID
        self.kind = kind
        self.detail = detail
        self.observedAt = observedAt
        self.step = step
    }

    public var job: JobKey { JobKey(account: account, id: jobID) }
}
