/// A client's mistake in a query parameter of a read: the HTTP layer answers it with 400.
///
/// `reason` is safe to show to the client and to log: it describes what is wrong and what is allowed, and never
/// quotes more than 64 characters of the rejected input (in practice it quotes none).
public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The query parameter that was rejected, e.g. `limit`, `cursor`, `search`.
    public let parameter: String
    /// Why it was rejected, e.g. `must be between 1 and 500`.
    public let reason: String

    /// Creates an error for one parameter.
    ///
    /// - Parameters:
    ///   - parameter: The query parameter's name as the client sent it.
    ///   - reason: Why it was rejected; must not quote more than 64 characters of the input.
    public init(parameter: String, reason: String) {
        self.parameter = parameter
        self.reason = reason
    }

    public var description: String { "invalid \(parameter): \(reason)" }
}

extension ReadError {
    /// The rows a page may hold: `limit` must lie in this range.
    static let limitRange = 1...500

    /// Checks a page size.
    static func checkLimit(_ limit: Int) throws(ReadError) {
        guard limitRange.contains(limit) else {
            throw ReadError(
                parameter: "limit",
                reason: "must be between \(limitRange.lowerBound) and \(limitRange.upperBound)")
        }
    }

    /// Checks that text has at most `maximumLength` characters and `4 * maximumLength` bytes of UTF-8 (so a few
    /// characters built of endless combining marks are refused too).
    static func checkLength(_ text: String, parameter: String, maximumLength: Int) throws(ReadError) {
        guard text.utf8.count <= maximumLength * 4, text.count <= maximumLength else {
            throw ReadError(parameter: parameter, reason: "must be at most \(maximumLength) characters")
        }
    }

    /// Checks free text bound for a query: at most `maximumLength` characters, no NUL or other control characters
    /// (PostgreSQL's `text` cannot hold NUL, so it would fail as a database error instead).
    static func checkText(_ text: String, parameter: String, maximumLength: Int = 200) throws(ReadError) {
        try checkLength(text, parameter: parameter, maximumLength: maximumLength)
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ReadError(parameter: parameter, reason: "must not contain control characters")
        }
    }
}
