import FTDModel

/// What a job's stored row says to the rule of a later look at it (`TransitionRule`):
/// read by each backend in the cycle's transaction, so that both judge a look alike.
package struct StoredJobState: Sendable, Equatable {
    package var status: String
    /// When the stored look was taken, as precisely as the row knows it.
    package var observed: ObservedInstant
    package var firstSeenAt: Int64
    package var finalSyncDone: Bool

    package init(
        status: String, updatedAt: Int64, observedNanoseconds: Int64?, firstSeenAt: Int64, finalSyncDone: Bool
    ) {
        self.status = status
        self.observed = Self.observed(updatedAt: updatedAt, observedNanoseconds: observedNanoseconds)
        self.firstSeenAt = firstSeenAt
        self.finalSyncDone = finalSyncDone
    }

    /// A row written before `observed_ns` existed (SQLite's migration v5, or by an ftd
    /// older than it) knows only its second.
    package static func observed(updatedAt: Int64, observedNanoseconds: Int64?) -> ObservedInstant {
        max(
            ObservedInstant(unixSeconds: updatedAt), ObservedInstant(nanoseconds: observedNanoseconds ?? .min)
        )
    }
}

/// What a cycle's write decides without a database, shared by the SQLite and the
/// PostgreSQL store so that both record a cycle alike: which look is written, which is a
/// transition, and where a job's event cursor is kept.
package enum CycleRules {
    /// The statuses a job never leaves, as a literal: the partial index `jobs_active` (in
    /// both stores) serves only a query that spells the same expression.
    package static let activeJobsCondition = "status NOT IN ('cancelled', 'failed', 'succeeded')"

    /// `meta` key of a job's event resume cursor: a few jobs at most ever have one, so it
    /// needs no table of its own.
    package static func eventResumeKey(_ job: JobKey) -> String { "events_resume_after:\(job)" }

    /// Applies `rule` to one look at a job against its stored row: the row to write and the
    /// transition to record (nil when the rule says it is none), or nil when the look is
    /// stale and the stored row stays.
    package static func write(
        _ job: FineTuningJob, account: String, observed: ObservedInstant, stored: StoredJobState?,
        isBaseline: Bool, rule: TransitionRule
    ) -> (record: JobRecord, transition: Transition?)? {
        let observation = JobObservation(
            jobID: job.id, status: job.status, observed: observed,
            stored: stored.map { JobObservation.Stored(status: $0.status, observed: $0.observed) },
            isBaseline: isBaseline)
        guard case .newer(let transition) = rule(observation) else { return nil }
        var record = JobRecord(job: job, account: account, observed: observed)
        if let stored {
            record.firstSeenAt = stored.firstSeenAt
            // A status change (from one terminal status to another) reopens the final sync.
            record.finalSyncDone = stored.status == job.status && stored.finalSyncDone
        }
        return (
            record,
            transition.map { transition in
                var transition = transition
                transition.account = account
                return transition
            }
        )
    }
}
