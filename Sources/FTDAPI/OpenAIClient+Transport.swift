import AsyncHTTPClient
import FTDModel
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

extension OpenAIClient {
    /// How one attempt ended, with what an `APIError` needs if it is the last one.
    enum AttemptResult {
        case answered(status: Int, headers: [(String, String)], body: Data)
        case timedOut
        case failed(message: String)
        /// The body could not be read here (a file to upload): no retry can help.
        case unreadableBody(UploadFileError)

        /// The `code` label of `ftd_api_requests_total`.
        var metricCode: String {
            if case .answered(let status, _, _) = self { return String(status) }
            return "error"
        }
    }

    /// Asked after a failed attempt's delay, just before it is sent again, with its
    /// failure: a value it returns is the request's answer, and nothing is sent again.
    public typealias BeforeRetry<Value> = @Sendable (APIError) async throws -> Value?

    /// Sends the request until it succeeds, the retry policy gives up, `beforeRetry`
    /// settles it, or the task is cancelled.
    func send<Value>(
        _ endpoint: APIEndpoint, body: RequestBody? = nil, timeout: Double? = nil,
        beforeRetry: BeforeRetry<Value>? = nil, decode: (Data) throws(APIDecodingError) -> Value
    ) async throws -> Value {
        var attempt = 0
        while true {
            try Task.checkCancellation()
            attempt += 1
            try await pacer.waitTurn()
            let started = ContinuousClock.now
            let result = try await perform(endpoint, body: body, timeout: timeout ?? settings.requestTimeout)
            onAttempt()
            metrics.attempted(endpoint, code: result.metricCode, duration: started.duration(to: .now))
            if case .answered(let status, let headers, _) = result {
                await pacer.observe(status: status, headers: headers)
            }
            var failure: APIError
            let outcome: AttemptOutcome
            switch result {
            case .answered(let status, let headers, let data) where (200..<300).contains(status):
                do throws(APIDecodingError) {
                    return try decode(data)
                } catch {
                    outcome = .malformedBody
                    failure = APIError(
                        kind: .malformedResponse, message: error.message, endpoint: endpoint.description,
                        requestID: RetryPolicy.header("x-request-id", in: headers))
                }
            case .answered(let status, let headers, let data):
                outcome = .response(status: status, headers: headers)
                failure = APIError(
                    kind: .http(status: status),
                    message: Self.errorMessage(status: status, body: data, headers: headers),
                    endpoint: endpoint.description, requestID: RetryPolicy.header("x-request-id", in: headers)
                )
            case .timedOut:
                outcome = .timeout
                failure = APIError(
                    kind: .timeout,
                    message: timeout.map { "no answer within \(Self.seconds($0)) s" }
                        ?? "no answer within \(Self.seconds(settings.requestTimeout)) s (api.request_timeout)",
                    endpoint: endpoint.description)
            case .unreadableBody(let error):
                throw error
            case .failed(let message):
                outcome = .transportFailure
                failure = APIError(kind: .transport, message: message, endpoint: endpoint.description)
            }
            failure.attempts = attempt
            let decision = retryPolicy.decide(
                outcome: outcome, attempt: attempt, now: now(), jitter: jitter())
            guard case .retry(let delay) = decision else { throw failure }
            logRetry(failure, delay: delay)
            try await sleep(delay)
            if let beforeRetry, let settled = try await beforeRetry(failure) { return settled }
        }
    }

    /// One attempt, bounded by `api.request_timeout` from the first byte sent to the
    /// last byte of the body (the client's own deadline stops at the response head).
    private func perform(_ endpoint: APIEndpoint, body: RequestBody?, timeout seconds: Double) async throws
        -> AttemptResult
    {
        let request = makeRequest(endpoint, body: body)
        let timeout = TimeAmount.nanoseconds(Int64(max(seconds, 0.001) * 1e9))
        let client = httpClient
        let result = await withTaskGroup(of: AttemptResult?.self) { group in
            group.addTask {
                do {
                    let response = try await client.execute(request, deadline: .now() + timeout)
                    let buffer = try await response.body.collect(upTo: Self.maxBodyBytes)
                    let headers = response.headers.map { ($0.name, $0.value) }
                    return .answered(
                        status: Int(response.status.code), headers: headers, body: Data(buffer: buffer))
                } catch let error as HTTPClientError where Self.isTimeout(error) {
                    return .timedOut
                } catch let error as UploadFileError {
                    return .unreadableBody(error)
                } catch is NIOTooManyBytesError {
                    return .failed(
                        message: "the answer is larger than \(Self.maxBodyBytes / 1024 / 1024) MiB")
                } catch {
                    return .failed(message: Self.describe(error))
                }
            }
            group.addTask {
                try? await Task.sleep(for: .nanoseconds(timeout.nanoseconds))
                return Task.isCancelled ? nil : .timedOut
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .timedOut
        }
        // A cancelled task ends here, not with a transport error that would be retried.
        try Task.checkCancellation()
        return result
    }

    private func makeRequest(_ endpoint: APIEndpoint, body: RequestBody?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url(for: endpoint))
        switch endpoint.method {
        case .get: request.method = .GET
        case .post: request.method = .POST
        }
        for header in surface.authorizationHeaders(apiKey: apiKey, settings: settings) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.headers.add(name: "User-Agent", value: Self.userAgent)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: body.contentType)
            request.body = body.httpBody
        } else if endpoint.method == .post {
            request.body = .bytes(ByteBuffer())
        }
        return request
    }

    private func logRetry(_ failure: APIError, delay: Duration) {
        var metadata: Logger.Metadata = [
            "http.endpoint": "\(failure.endpoint)",
            "retry.attempt": "\(failure.attempts)",
            "retry.delay": "\(Self.seconds(delay))",
            "error.message": "\(failure.message)",
        ]
        if let status = failure.httpStatus { metadata["http.status"] = "\(status)" }
        if let requestID = failure.requestID { metadata["http.request_id"] = "\(requestID)" }
        logger.warning("request failed, retrying", metadata: metadata)
    }

    /// The API's own words for a failed request. Azure's code is often just the HTTP
    /// status again (`"401"`), which the error already says: only a code that adds
    /// something (`invalid_api_key`, `DeploymentNotFound`) is appended.
    /// As `errorMessage(status:body:)`; a redirect (never followed: `HTTPClient.Configuration.ftd`)
    /// says where it points, so that the base URL or endpoint can be set to it.
    static func errorMessage(status: Int, body: Data, headers: [(String, String)]) -> String {
        if (300..<400).contains(status), let location = RetryPolicy.header("location", in: headers) {
            // Without its query, which may carry a signature.
            let shown = location.split(separator: "?", maxSplits: 1).first.map(String.init) ?? location
            return
                "redirected to \(shown): ftd does not follow redirects (they would take the key along); set the account's base_url or endpoint to where the API is"
        }
        return errorMessage(status: status, body: body)
    }

    static func errorMessage(status: Int, body: Data) -> String {
        if let envelope = APIErrorEnvelope(body: body) {
            let code = envelope.code == String(status) ? nil : envelope.code
            switch (envelope.message, code) {
            case (let message?, let code?) where !message.contains(code): return "\(message) (\(code))"
            case (let message?, _): return message
            case (nil, let code?): return code
            case (nil, nil): break
            }
        }
        return "the answer carried no error message"
    }

    static func isTimeout(_ error: HTTPClientError) -> Bool {
        error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
            || error == .writeTimeout
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            return "the connection failed: \(error)"
        }
        return "the connection failed: \(String(describing: error))"
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.3f", Double(seconds) + Double(attoseconds) / 1e18)
    }
}
