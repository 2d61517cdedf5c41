import Foundation
public import PostgresNIO

/// Where and how to connect to PostgreSQL: from `DATABASE_URL` or the embedded cluster.
///
/// Parses standard `postgres://user:password@host:port/database?sslmode=…` URLs, including the libpq form for Unix
/// sockets, `postgresql://user@/database?host=/path/to/socket/dir`.
public struct DatabaseEndpoint: Sendable, Hashable {
    /// How to reach the server.
    public enum Address: Sendable, Hashable {
        /// TCP host and port.
        case tcp(host: String, port: Int)
        /// The folder holding the server's Unix socket, plus the port that names the socket file.
        case socket(directory: String, port: Int)
    }

    /// TLS use over TCP.
    public enum TLSMode: String, Sendable, Hashable {
        /// Never use TLS.
        case disable
        /// Use TLS when the server offers it (the default, as libpq).
        case prefer
        /// Require TLS.
        case require
    }

    /// How to reach the server.
    public var address: Address
    /// The role to connect as.
    public var username: String
    /// The password, if any.
    public var password: String?
    /// The database name.
    public var database: String
    /// TLS use over TCP; ignored for sockets.
    public var tls: TLSMode

    /// Creates an endpoint.
    public init(address: Address, username: String, password: String? = nil, database: String, tls: TLSMode = .prefer) {
        self.address = address
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Parses a `postgres://` or `postgresql://` URL.
    ///
    /// - Parameter url: The URL text, e.g. the value of `DATABASE_URL`.
    /// - Throws: ``DatabaseError`` with code ``DatabaseError/Code/invalidURL``; the message never repeats the URL,
    ///   which may hold a password.
    public init(url: String) throws {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"),
            let components = URLComponents(string: url)
        else {
            throw DatabaseError(
                .invalidURL, "the database URL must look like postgres://user:password@host:5432/database")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") },
            uniquingKeysWith: { _, last in last }
        )
        let port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        let username = components.user.map { $0.removingPercentEncoding ?? $0 } ?? query["user"] ?? "postgres"
        let password = components.password.map { $0.removingPercentEncoding ?? $0 } ?? query["password"]
        var database = String(components.path.drop { $0 == "/" })
        database = database.removingPercentEncoding ?? database
        if database.isEmpty { database = query["dbname"] ?? username }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding } ?? query["host"]
        let address: Address
        switch host {
        case .some(let host) where host.hasPrefix("/"):
            address = .socket(directory: host, port: port)
        case .some(let host):
            address = .tcp(host: host, port: port)
        case .none:
            address = .socket(directory: "/var/run/postgresql", port: port)
        }
        let tls: TLSMode
        switch query["sslmode"] ?? "prefer" {
        case "disable", "allow": tls = .disable
        case "prefer": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        default:
            throw DatabaseError(.invalidURL, "the database URL has an unknown sslmode (use disable, prefer or require)")
        }
        self.init(address: address, username: username, password: password, database: database, tls: tls)
    }

    /// The same server and role, another database.
    public func with(database: String) -> DatabaseEndpoint {
        var copy = self
        copy.database = database
        return copy
    }

    /// The endpoint as a URL that `psql` accepts, without the password: safe to print and to put on a command line.
    ///
    /// A client given this URL finds the password in a password file (`PGPASSFILE`, by default `~/.pgpass`; see
    /// ``passwordFileLine``) or asks for it.
    public var url: String { makeURL(includingPassword: false) }

    /// The endpoint as a URL, with the password when there is one.
    ///
    /// - Warning: Never print it, log it or pass it as a program argument (every local user can read argv); pass it
    ///   in an environment variable such as `DATABASE_URL`.
    public var urlIncludingPassword: String { makeURL(includingPassword: true) }

    /// The line of a PostgreSQL password file (`PGPASSFILE`) that matches this endpoint, with `password` in place of
    /// the password field: `host:port:database:user:password`, colons and backslashes escaped.
    ///
    /// - Parameter password: What to put in the password field, e.g. a placeholder such as `<password>`.
    public func passwordFileLine(password: String) -> String {
        let (host, port): (String, Int) =
            switch address {
            case .tcp(let host, let port): (host, port)
            case .socket(let directory, let port): (directory, port)
            }
        return [host, String(port), database, username, password].map(Self.escapePasswordFileField)
            .joined(separator: ":")
    }

    /// A `postgres://` URL's text without its password (in the user information or a `password` query item), every
    /// other part kept as written.
    ///
    /// - Parameter url: The URL text, e.g. the value of `DATABASE_URL`.
    /// - Throws: ``DatabaseError`` with code ``DatabaseError/Code/invalidURL``, as ``init(url:)``.
    public static func removingPassword(from url: String) throws -> String {
        _ = try DatabaseEndpoint(url: url)
        guard var components = URLComponents(string: url) else {
            throw DatabaseError(
                .invalidURL, "the database URL must look like postgres://user:password@host:5432/database")
        }
        components.percentEncodedPassword = nil
        if let items = components.percentEncodedQueryItems, items.contains(where: { $0.name == "password" }) {
            let kept = items.filter { $0.name != "password" }
            components.percentEncodedQueryItems = kept.isEmpty ? nil : kept
        }
        guard let text = components.string else {
            throw DatabaseError(.invalidURL, "the database URL cannot be written back without its password")
        }
        return text
    }

    private func makeURL(includingPassword: Bool) -> String {
        var userInfo = Self.encode(username)
        if includingPassword, let password { userInfo += ":" + Self.encode(password) }
        switch address {
        case .tcp(let host, let port):
            let sslmode = tls == .prefer ? "" : "?sslmode=\(tls.rawValue)"
            return "postgresql://\(userInfo)@\(host):\(port)/\(Self.encode(database))\(sslmode)"
        case .socket(let directory, let port):
            return "postgresql://\(userInfo)@/\(Self.encode(database))?host=\(Self.encode(directory))&port=\(port)"
        }
    }

    /// A description safe to log: no password.
    public var redactedDescription: String {
        switch address {
        case .tcp(let host, let port): "\(username)@\(host):\(port)/\(database)"
        case .socket(let directory, let port): "\(username)@\(directory)/.s.PGSQL.\(port) database \(database)"
        }
    }

    /// Configuration for a `PostgresClient` pool.
    public func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch address {
        case .tcp(let host, let port):
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database, tls: clientTLS
            )
        case .socket(let directory, let port):
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: username, password: password,
                database: database
            )
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        switch tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    private static func escapePasswordFileField(_ field: String) -> String {
        field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ":", with: "\\:")
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
