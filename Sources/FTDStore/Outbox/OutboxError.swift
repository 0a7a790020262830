/// A caller of the outbox named a delivery or an attempt the database does not hold: a
/// bug in the caller, or a database replaced under a running daemon.
public enum OutboxError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownDelivery(id: String)
    case unknownRun(id: Int64)

    public var description: String {
        switch self {
        case .unknownDelivery(let id):
            return "no delivery \(id) in the database: was the database replaced while ftd ran?"
        case .unknownRun(let id):
            return "no hook run \(id) in the database: was the database replaced while ftd ran?"
        }
    }
}
