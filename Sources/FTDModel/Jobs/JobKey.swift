/// What identifies a job (SPEC section 8): its account and its id. Two accounts may hold
/// the same `ftjob-…` id (two simulators, two providers), so no table, map or delivery
/// keys a job by its id alone.
public struct JobKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var account: String
    public var id: String

    public init(account: String, id: String) {
        self.account = account
        self.id = id
    }

    /// `account/ftjob-…`, the name `ftd history` and the dashboard's URLs use.
    public var description: String { "\(account)/\(id)" }

    public static func < (lhs: JobKey, rhs: JobKey) -> Bool {
        (lhs.account, lhs.id) < (rhs.account, rhs.id)
    }
}
