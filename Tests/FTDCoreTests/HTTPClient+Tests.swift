import AsyncHTTPClient

extension HTTPClient {
    /// The tests' one client, configured as the executable's (`.ftd`), not as
    /// `HTTPClient.shared`: the shared client's pool retries a refused connection until
    /// the request's deadline, which turns "nothing listens there" into a timeout.
    static let tests = HTTPClient(configuration: .ftd)
}
