import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every environment variable RoutIQ reads, read once at the edge (stage code never reads the environment).
struct RuntimeEnvironment: Sendable {
    /// The whole environment, for `${VAR}` interpolation in pipeline files.
    var variables: [String: String]

    init(_ variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
    }

    /// `DATABASE_URL`: an external PostgreSQL; the embedded cluster when unset or empty.
    var databaseURL: String? { nonEmpty("DATABASE_URL") }

    /// `ROUTIQ_HOME`: RoutIQ's local state (embedded cluster, generated key); `./.routiq` by default.
    var home: URL {
        let path = nonEmpty("ROUTIQ_HOME") ?? ".routiq"
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
    }

    /// `CREDENTIALS_ENCRYPTION_KEY`: base64 of 32 bytes.
    var credentialsKey: String? { nonEmpty("CREDENTIALS_ENCRYPTION_KEY") }

    /// `LOG_LEVEL`.
    var logLevel: String? { nonEmpty("LOG_LEVEL") }

    /// `ROUTIQ_PG_BINDIR`: the folder with initdb and pg_ctl, when the search should not be used.
    var postgresBinDirectory: String? { nonEmpty("ROUTIQ_PG_BINDIR") }

    /// `ROUTIQ_PG_USER`: who runs the embedded server when RoutIQ runs as root.
    var postgresUser: String? { nonEmpty("ROUTIQ_PG_USER") }

    /// `CLERK_JWKS_URL`: where `routiq serve` fetches the keys that sign Clerk session tokens (the Frontend API's
    /// `/.well-known/jwks.json`).
    var clerkJWKSURL: String? { nonEmpty("CLERK_JWKS_URL") }

    /// `CLERK_ISSUER`: the `iss` every session token must carry (the Frontend API URL).
    var clerkIssuer: String? { nonEmpty("CLERK_ISSUER") }

    /// `CLERK_AUTHORIZED_PARTIES`: the origins allowed in a token's `azp`, comma-separated.
    var clerkAuthorizedParties: [String]? { list("CLERK_AUTHORIZED_PARTIES") }

    /// `ROUTIQ_CORS_ORIGINS`: the origins allowed to call the API from a browser, comma-separated; none by default.
    var corsOrigins: [String] { list("ROUTIQ_CORS_ORIGINS") ?? [] }

    /// `TERM`: the terminal's type; the progress display needs one that is not `dumb`.
    var terminalType: String? { nonEmpty("TERM") }

    /// `PATH`.
    var searchPath: String { nonEmpty("PATH") ?? "/usr/local/bin:/usr/bin:/bin" }

    /// The operating-system user, recorded as the actor in the audit log.
    var actor: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return nonEmpty("USER") ?? "uid \(geteuid())"
    }

    private func list(_ name: String) -> [String]? {
        nonEmpty(name).map { text in
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }
}
