/// A failure setting up, reaching or migrating the database.
///
/// `description` is safe to log: it never contains passwords, row values or SQL. ``underlying`` may hold more detail
/// and appears only in `debugDescription`.
public struct DatabaseError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure. New codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case postgresNotInstalled
            case clusterSetupFailed
            case clusterStartFailed
            case clusterUnreachable
            case invalidURL
            case migrationFailed
            case migrationChecksumMismatch
            case migrationFromNewerVersion
            case notFound
            case invalidInput
            case connectionUnavailable
            case statementFailed
            case statementTimeout
            case claimLost
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No PostgreSQL server binaries were found.
        public static let postgresNotInstalled = Code(.postgresNotInstalled)
        /// `initdb` or preparing the cluster's folders failed.
        public static let clusterSetupFailed = Code(.clusterSetupFailed)
        /// `pg_ctl start` failed.
        public static let clusterStartFailed = Code(.clusterStartFailed)
        /// The server could not be reached.
        public static let clusterUnreachable = Code(.clusterUnreachable)
        /// `DATABASE_URL` is not a usable `postgres://` URL.
        public static let invalidURL = Code(.invalidURL)
        /// A migration failed to apply.
        public static let migrationFailed = Code(.migrationFailed)
        /// An applied migration file was edited afterwards.
        public static let migrationChecksumMismatch = Code(.migrationChecksumMismatch)
        /// The database was migrated by a newer RoutIQ.
        public static let migrationFromNewerVersion = Code(.migrationFromNewerVersion)
        /// A requested row (organization, credential) does not exist.
        public static let notFound = Code(.notFound)
        /// An argument was rejected.
        public static let invalidInput = Code(.invalidInput)
        /// No pooled connection became free in time.
        public static let connectionUnavailable = Code(.connectionUnavailable)
        /// The server rejected a statement; the message names the table and column when the server did.
        public static let statementFailed = Code(.statementFailed)
        /// PostgreSQL cancelled a statement (SQLSTATE 57014, `query_canceled`), which is what a statement that runs
        /// past its `statement_timeout` gets.
        public static let statementTimeout = Code(.statementTimeout)
        /// A run lost its hold on its organization (its lock session ended and another run took the organization
        /// over), so it must not commit.
        public static let claimLost = Code(.claimLost)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// A message safe to show and log.
    public var message: String
    /// The lower-level error, for `debugDescription` only.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }

    public var debugDescription: String {
        guard let underlying else { return "DatabaseError(\(code)): \(message)" }
        return "DatabaseError(\(code)): \(message); underlying: \(String(reflecting: underlying))"
    }
}
