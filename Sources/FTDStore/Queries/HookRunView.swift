/// One attempt of a hook for a job, as `ftd history JOB` shows it. The hooks' storage
/// (`v2-hooks`) fills these; until then a job has none.
public struct HookRunView: Sendable, Equatable {
    public var hook: String
    public var deliveryID: String
    public var attempt: Int
    /// `succeeded`, `failed` or `timed_out`.
    public var status: String
    /// nil when the hook was killed.
    public var exitCode: Int32?
    public var timedOut: Bool
    public var startedAt: Int64
    public var durationMs: Int64?

    public init(
        hook: String, deliveryID: String, attempt: Int, status: String, exitCode: Int32?,
        timedOut: Bool, startedAt: Int64, durationMs: Int64?
    ) {
        self.hook = hook
        self.deliveryID = deliveryID
        self.attempt = attempt
        self.status = status
        self.exitCode = exitCode
        self.timedOut = timedOut
        self.startedAt = startedAt
        self.durationMs = durationMs
    }
}
