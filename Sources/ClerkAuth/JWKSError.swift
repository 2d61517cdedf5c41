// Why the JSON Web Key Set could not be loaded.

/// The JSON Web Key Set could not be fetched or yielded no usable RS256 key.
///
/// ``reason`` names the cause (an HTTP status, a size, a refused redirect, a parse error); it never contains key
/// material or tokens.
public struct JWKSError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The request failed: unreachable, timed out, a non-2xx status, an oversize body, or a refused redirect.
        case fetchFailed = "fetch_failed"
        /// The body is not a JSON object with a `keys` array.
        case notJSON = "not_json"
        /// The set holds no RSA signing key of 2048 bits or more with a `kid`.
        case noUsableKeys = "no_usable_keys"
    }

    /// What went wrong.
    public let code: Code
    /// A short human-readable explanation.
    public let reason: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - reason: A short explanation, safe to log.
    public init(_ code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `code: reason`.
    public var description: String { "\(code.rawValue): \(reason)" }
}
