import FTDModel

/// The store as the poll cycle sees it. `SQLiteStore` is the real one: every method is
/// one read or one transaction, and none blocks its caller's thread.
public protocol PollStore: Sendable {
    /// True once a baseline cycle of `account` has been recorded (section 8: each account
    /// has its own).
    func baselineCompleted(account: String) async throws -> Bool
    /// The stored state of those of `ids` that are known.
    func knownJobs(account: String, ids: [String]) async throws -> [String: KnownJob]
    /// Jobs a cycle still has work for: not terminal, or terminal without final sync.
    func jobsNeedingSync(account: String) async throws -> [KnownJob]
    /// Whether any event of the job is stored: when none is, the pages of its events need
    /// not be checked against the store one by one (`storedEventIDs`).
    func hasStoredEvents(job: JobKey) async throws -> Bool
    /// Which of `eventIDs` of the job are already stored.
    func storedEventIDs(job: JobKey, among eventIDs: [String]) async throws -> Set<String>
    /// Where reading the job's events stopped when an earlier cycle's page budget ran out:
    /// events older than this id may not be stored yet. Nil when none are missing.
    func eventResumeCursor(job: JobKey) async throws -> String?
    /// Writes the cycle in one transaction and returns the transitions it recorded, in
    /// order. The first cycle recorded against a database without a baseline is the
    /// baseline: its transitions have `isBaseline == true`. `rule` decides, for each job,
    /// whether the look is newer than the stored row and whether it is a status change.
    /// Also judges the alerts of the account's jobs when `cycle.alerts` is set and the
    /// account's baseline exists: each new one is stored with its pending deliveries, in
    /// the same transaction.
    func recordCycle(_ cycle: CycleRecord, rule: @escaping TransitionRule) async throws -> RecordedCycle
}

extension PollStore {
    /// A store that cannot tell has each page checked.
    public func hasStoredEvents(job: JobKey) async throws -> Bool { true }

    /// The transitions `recordCycle` recorded.
    public func record(cycle: CycleRecord, rule: @escaping TransitionRule) async throws -> [Transition] {
        try await recordCycle(cycle, rule: rule).transitions
    }
}
