import AsyncHTTPClient

extension HTTPClient {
    /// Runs `body` with the process's one HTTP client, shut down afterwards, also when
    /// `body` throws.
    static func withProcessClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .ftd)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
