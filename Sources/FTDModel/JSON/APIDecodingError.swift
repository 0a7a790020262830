import Foundation

/// An answer that arrived but is not the JSON ftd expects. The client turns it into an
/// `APIError` of kind `.malformedResponse`; the message names what was wrong.
public struct APIDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// The same error, with the place it happened put in front (`data[3]: …`).
    package func located(at place: String) -> APIDecodingError {
        APIDecodingError("\(place): \(message)")
    }
}
