import Foundation

/// How one attempt of a request ended, as far as retrying is concerned.
public enum AttemptOutcome: Sendable {
    /// The server answered with a status that is not a success.
    case response(status: Int, headers: [(String, String)])
    /// The connection was refused, dropped, or the body was cut off.
    case transportFailure
    /// No answer within `api.request_timeout`.
    case timeout
    /// A success status whose body is not the JSON expected: treated like a truncated body.
    case malformedBody
}
