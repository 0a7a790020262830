import FTDModel
import Foundation

/// The part of the fine-tuning API the poller needs. `OpenAIClient` is the real one;
/// tests may inject their own.
public protocol FineTuningAPI: Sendable {
    func listJobs(after: String?, limit: Int) async throws -> ListPage<FineTuningJob>
    func retrieveJob(id: String) async throws -> FineTuningJob
    func listEvents(jobID: String, after: String?, limit: Int) async throws -> ListPage<JobEvent>
    func listCheckpoints(jobID: String, after: String?, limit: Int) async throws -> ListPage<Checkpoint>
}

/// Why a request failed, after its retries. Carries what a person needs to act on it.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server answered with a non-success HTTP status.
        case http(status: Int)
        /// No usable answer: connection refused or dropped, TLS failure, truncated body.
        case transport
        /// No answer within `api.request_timeout`.
        case timeout
        /// An answer arrived but was not the JSON expected.
        case malformedResponse
    }

    public var kind: Kind
    /// The API's own error message, or a description of the transport failure.
    public var message: String
    /// `METHOD /path` of the failed request (never the key or full headers).
    public var endpoint: String
    /// The `x-request-id` of the answer, when there was one.
    public var requestID: String?
    /// How many attempts were made before giving up.
    public var attempts: Int

    public init(kind: Kind, message: String, endpoint: String, requestID: String? = nil, attempts: Int = 1) {
        self.kind = kind
        // The API's text may echo the request's Authorization header.
        self.message = SecretRedactor.redact(message)
        self.endpoint = endpoint
        self.requestID = requestID
        self.attempts = attempts
    }

    public var httpStatus: Int? {
        if case .http(let status) = kind { return status }
        return nil
    }

    /// 401/403: retrying or polling on will not help; the user must fix the key.
    public var isCredentialsRejected: Bool { httpStatus == 401 || httpStatus == 403 }

    /// A failure `RetryPolicy` retries (no answer, a dropped or garbled one, 408, 409, 429,
    /// 5xx): trying later may succeed, and the request may or may not have been carried out.
    public var isTransient: Bool {
        switch kind {
        case .timeout, .transport, .malformedResponse: true
        case .http(let status): RetryPolicy.isRetriedStatus(status)
        }
    }

    public var description: String {
        var text: String
        switch kind {
        case .http(let status): text = "\(endpoint): HTTP \(status): \(message)"
        case .transport: text = "\(endpoint): \(message)"
        case .timeout: text = "\(endpoint): no answer in time: \(message)"
        case .malformedResponse: text = "\(endpoint): unexpected answer: \(message)"
        }
        if let requestID { text += " (x-request-id \(requestID))" }
        if attempts > 1 { text += " after \(attempts) attempts" }
        return text
    }
}
