/// When a writer took its look at the API, in nanoseconds since 1970: what orders two
/// observations of one job. Whole seconds tie too easily (the daemon and `ftd watch` can
/// both look within one second), and a tie broken the wrong way lets a stale status undo
/// a newer one. Hooks, `ftd history` and the JSON keep whole seconds (`unixSeconds`).
public struct ObservedInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The start of that second: what a test or an old caller that knows only seconds means.
    public init(unixSeconds: Int64) { nanoseconds = unixSeconds &* 1_000_000_000 }

    /// Unix seconds, rounded down, as SPEC's `observed_at`.
    public var unixSeconds: Int64 {
        nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds + 1) / 1_000_000_000 - 1
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public var description: String { "\(nanoseconds) ns" }
}
