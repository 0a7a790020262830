/// A training file that could not be read at all (as opposed to one that was read and
/// has problems, which is a `TrainingFileReport`).
public struct TrainingFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// What the system said, e.g. "No such file or directory".
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot read \(path): \(reason) (check the path and its permissions)" }
}
