/// A RoutIQ organization (tenant) identifier: the Clerk organization id, such as `org_2abcDEF…`.
///
/// Well-formed ids are `org_` followed by 1 to 64 ASCII letters or digits. They appear in file paths, URLs and
/// SQL parameters, so nothing else is accepted.
public struct OrganizationID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The id as text.
    public let rawValue: String

    /// Creates an id after checking it is well-formed.
    ///
    /// - Parameter rawValue: The text, e.g. `org_2Zx9…`.
    /// - Returns: `nil` when the text is not a well-formed organization id.
    public init?(_ rawValue: String) {
        guard Self.isWellFormed(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// Whether `text` is `org_` followed by 1 to 64 ASCII letters or digits.
    public static func isWellFormed(_ text: String) -> Bool {
        guard text.hasPrefix("org_") else { return false }
        let rest = text.utf8.dropFirst(4)
        guard (1...64).contains(rest.count) else { return false }
        return rest.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
    }

    /// What a well-formed id looks like, for error messages.
    public static let formatDescription = "'org_' followed by 1 to 64 letters or digits"

    public var description: String { rawValue }

    public static func < (lhs: OrganizationID, rhs: OrganizationID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard Self.isWellFormed(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "not a well-formed organization id (\(Self.formatDescription))"
            )
        }
        self.rawValue = text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
