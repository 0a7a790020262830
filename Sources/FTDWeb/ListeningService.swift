import Hummingbird
import NIOCore
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the server could not start.
public struct WebServerError: Error, CustomStringConvertible {
    public let address: String
    public let reason: String

    public var description: String {
        "cannot listen on \(address) (http.listen): \(reason); choose another port or stop what holds it"
    }
}

/// The server as a service whose failure to bind says which address, in words.
struct ListeningService: Service {
    let application: Application<RouterResponder<BasicRequestContext>>
    let address: String

    func run() async throws {
        do {
            try await application.run()
        } catch let error as IOError {
            let reason =
                switch error.errnoCode {
                case EADDRINUSE: "the address is already in use"
                case EACCES: "permission denied (a port below 1024 needs privileges)"
                case EADDRNOTAVAIL: "the address does not belong to this machine"
                default: "\(error)"
                }
            throw WebServerError(address: address, reason: reason)
        }
    }
}
