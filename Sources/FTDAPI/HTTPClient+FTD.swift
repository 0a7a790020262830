import AsyncHTTPClient
import FTDConfig
import NIOCore

extension HTTPClient.Configuration {
    /// The configuration of the process's one shared `HTTPClient` (the executable makes
    /// it with `HTTPClient(configuration: .ftd)` and shuts it down on exit).
    ///
    /// `RetryPolicy` decides about every retry, so the pool must not retry a refused
    /// connection silently until the request's deadline: that would turn "nothing listens
    /// there" into a misleading timeout and multiply the wait by the retries.
    ///
    /// Redirects are not followed: the client drops `Authorization` on a redirect to
    /// another origin but keeps every other header, Azure's `api-key` included, which
    /// would hand the key to whatever host a 3xx names. An API answers where it is
    /// configured; a 3xx is reported with where it points (`OpenAIClient.errorMessage`).
    public static var ftd: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return configuration
    }
}
