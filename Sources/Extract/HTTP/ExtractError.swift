public import Pipeline

/// An unrecoverable failure of an extract source: the resource could not be fetched completely.
///
/// ``description`` is safe to log: it names the source, resource, organization, HTTP status and attempts,
/// never a credential or a record value.
public struct ExtractError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is. New codes may be added; switch with a `default`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable, Hashable {
            case unauthorized, forbidden, notFound, clientError, rateLimitedTooLong, serverError, transport,
                timeout, invalidResponse, invalidConfiguration, responseTooLarge, redirectRefused
        }

        let base: Base

        /// 401: the credential is wrong (for Cliniko also: the key belongs to another shard).
        public static let unauthorized = Code(base: .unauthorized)
        /// 403: the credential's user may not read this resource (or the request was blocked).
        public static let forbidden = Code(base: .forbidden)
        /// 404: the resource or endpoint does not exist.
        public static let notFound = Code(base: .notFound)
        /// Another 4xx (400 bad filter, 422 validation…): a bug in the request, not retried.
        public static let clientError = Code(base: .clientError)
        /// The API kept answering 429, or asked to wait longer than the configured maximum.
        public static let rateLimitedTooLong = Code(base: .rateLimitedTooLong)
        /// 5xx after every attempt.
        public static let serverError = Code(base: .serverError)
        /// Connection failures (refused, reset, TLS) after every attempt.
        public static let transport = Code(base: .transport)
        /// The request timed out on every attempt: no complete response (connection, head and whole body) within
        /// `http.timeout_seconds`.
        public static let timeout = Code(base: .timeout)
        /// The body was not the JSON the fact sheet describes (truncated, wrong envelope) after every attempt, a
        /// pagination link pointed at another host, or the status was unexpected (such as a 3xx other than a
        /// redirect).
        public static let invalidResponse = Code(base: .invalidResponse)
        /// The source cannot start: a malformed API key, base URL or missing contact e-mail.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// A response body was larger than `http.max_body_mib`; not retried (the next attempt would be as large).
        public static let responseTooLarge = Code(base: .responseTooLarge)
        /// The API answered with a redirect that is not followed: to another origin (scheme, host or port), from
        /// `https` to `http`, without a usable `Location`, or one too many. Requests carry credentials, so they
        /// never leave the API's origin.
        public static let redirectRefused = Code(base: .redirectRefused)

        /// The code's name, e.g. `unauthorized`.
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The API.
    public var source: SourceKind
    /// The resource being fetched, e.g. `patients`.
    public var resource: String
    /// The RoutIQ organization whose extract failed, when the source was told.
    public var organizationID: String?
    /// The last HTTP status received, if any.
    public var statusCode: Int?
    /// How many HTTP attempts were made for the failing request.
    public var attempts: Int
    /// A short, log-safe explanation, e.g. the likely cause of a 401.
    public var message: String
    /// The underlying error (a transport error, a decoding error), for debugging.
    public var underlying: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - source: The API.
    ///   - resource: The resource.
    ///   - organizationID: The organization, if known.
    ///   - statusCode: The last HTTP status, if any.
    ///   - attempts: The attempts made. Defaults to 0.
    ///   - message: A log-safe explanation.
    ///   - underlying: The underlying error.
    public init(
        code: Code,
        source: SourceKind,
        resource: String,
        organizationID: String? = nil,
        statusCode: Int? = nil,
        attempts: Int = 0,
        message: String,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.source = source
        self.resource = resource
        self.organizationID = organizationID
        self.statusCode = statusCode
        self.attempts = attempts
        self.message = message
        self.underlying = underlying
    }

    /// A one-line, log-safe summary: `cliniko patients (organization org_1): unauthorized, HTTP 401 after 1
    /// attempt: …`.
    public var description: String {
        var text = "\(source.rawValue) \(resource)"
        if let organizationID { text += " (organization \(organizationID))" }
        text += ": \(code)"
        if let statusCode { text += ", HTTP \(statusCode)" }
        if attempts > 0 { text += " after \(attempts) attempt\(attempts == 1 ? "" : "s")" }
        return text + ": \(message)"
    }

    /// The description plus the underlying error, which may be less safe to log.
    public var debugDescription: String {
        guard let underlying else { return description }
        return description + " (underlying: \(String(reflecting: underlying)))"
    }
}
