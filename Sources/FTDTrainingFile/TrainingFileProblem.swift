/// One thing in a training file that the API's validation would refuse, placed like a
/// compiler error: `FILE:LINE: message`, or `FILE: message` for the file as a whole.
public struct TrainingFileProblem: Sendable, Equatable, CustomStringConvertible {
    /// The path as the user gave it.
    public var file: String
    /// 1-based; `nil` for a problem of the whole file (too few examples).
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}
