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
    public static var ftd: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return configuration
    }
}
