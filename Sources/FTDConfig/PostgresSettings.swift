import Foundation

/// Where the shared PostgreSQL store is (SPEC section 11): `storage.url`, read the way
/// libpq reads a connection URL, so that the URL a team already uses with `psql` works.
/// The password is never part of it: it comes from `storage.password_file` or
/// `PGPASSWORD` when the store is opened, so that no log line, `ftd status` or config
/// dump can show it.
public struct PostgresSettings: Sendable, Equatable {
    /// libpq's `sslmode`, as far as ftd follows it.
    public enum TLSMode: String, Sendable, Equatable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, else plain (libpq's default).
        case prefer
        /// TLS or no connection; the certificate is not checked (libpq's `require`).
        case require
        /// TLS with the certificate checked against `rootCertificate` (else the system's
        /// roots) and the host name (libpq's `verify-full`).
        case verifyFull = "verify-full"
    }

    /// A host name or address, or a directory holding the server's Unix socket (a path
    /// that starts with `/`, from `?host=/run/postgresql`).
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// `sslrootcert`: the CA certificates (PEM) that `verify-full` checks against.
    public var rootCertificate: String?
    /// `storage.password_file` (systemd credentials); nil: `PGPASSWORD`, else none.
    public var passwordFile: String?

    public init(
        host: String, port: Int = 5432, user: String, database: String, tls: TLSMode = .prefer,
        rootCertificate: String? = nil, passwordFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.tls = tls
        self.rootCertificate = rootCertificate
        self.passwordFile = passwordFile
    }

    /// Whether `host` is a socket directory rather than a host name.
    public var usesUnixSocket: Bool { host.hasPrefix("/") }

    /// The socket file libpq would use: `DIR/.s.PGSQL.PORT`.
    public var unixSocketPath: String { "\(host)/.s.PGSQL.\(port)" }

    /// What ftd shows of the store (`ftd status`, the log): never a password.
    public var displayName: String {
        let place = usesUnixSocket ? "\(unixSocketPath)" : "\(host):\(port)"
        return "postgres://\(user)@\(place)/\(database)"
    }

    /// Whether `text` names a PostgreSQL store rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `postgres://[user@][host][:port][/database][?param=value&…]`, naming `key` in
    /// each error. `host` defaults to libpq's socket directory, `user` to the login name,
    /// `database` to the user. Parameters: `sslmode`, `sslrootcert`, `host` (a socket
    /// directory). A password in the URL is refused.
    public static func parse(_ text: String, key: String, loginName: String) throws(ConfigurationError)
        -> PostgresSettings
    {
        guard isURL(text), let components = URLComponents(string: text) else {
            throw .invalid(key, "expected a URL such as postgres://ftd@db.internal:5432/ftd")
        }
        if components.password != nil || text.contains(":@") {
            throw .invalid(
                key,
                "a password in the URL would show wherever the URL does: put it in storage.password_file or PGPASSWORD"
            )
        }
        var settings = PostgresSettings(
            host: components.host.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
                ?? "/var/run/postgresql",
            user: components.user?.removingPercentEncoding ?? loginName,
            database: "")
        if let port = components.port {
            guard (1...65535).contains(port) else { throw .invalid(key, "port \(port) is out of range") }
            settings.port = port
        }
        let path = components.percentEncodedPath.dropFirst()
        guard !path.contains("/") else { throw .invalid(key, "expected one database name after the host") }
        settings.database = String(path).removingPercentEncoding ?? String(path)
        if settings.database.isEmpty { settings.database = settings.user }
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                switch value {
                case "disable": settings.tls = .disable
                case "allow", "prefer": settings.tls = .prefer
                case "require": settings.tls = .require
                case "verify-full": settings.tls = .verifyFull
                default:
                    throw .invalid(
                        key,
                        "sslmode \(value.debugDescription): expected disable, prefer, require or verify-full")
                }
            case "sslrootcert":
                guard !value.isEmpty else { throw .invalid(key, "sslrootcert: expected a file") }
                settings.rootCertificate = value
            case "host":
                guard value.hasPrefix("/") else {
                    throw .invalid(key, "host parameter: expected a socket directory such as /run/postgresql")
                }
                settings.host = value
            default:
                throw .invalid(
                    key,
                    "unknown URL parameter \(item.name.debugDescription) (known: sslmode, sslrootcert, host)")
            }
        }
        if settings.usesUnixSocket, settings.tls == .require || settings.tls == .verifyFull {
            throw .invalid(key, "sslmode=\(settings.tls.rawValue) needs a TCP host, not a Unix socket")
        }
        guard !settings.user.isEmpty else {
            throw .invalid(key, "expected a user name (postgres://USER@host/db)")
        }
        return settings
    }
}
