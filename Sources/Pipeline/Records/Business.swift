public import Foundation

/// A Cliniko business (a clinic location).
public struct Business: Sendable, Hashable, Codable {
    /// The Cliniko id.
    public var id: String
    /// The business name.
    public var name: String
    /// The IANA time zone identifier (`time_zone_identifier`), if per-business time zones are enabled.
    public var timeZoneIdentifier: String?
    /// The ISO 3166-1 country code, if known.
    public var countryCode: String?
    /// When the business was archived, if it was.
    public var archivedAt: Date?
    /// When the business was created.
    public var createdAt: Date
    /// When the business was last updated.
    public var updatedAt: Date

    /// Creates a business.
    ///
    /// - Parameters:
    ///   - id: The Cliniko id.
    ///   - name: The business name.
    ///   - timeZoneIdentifier: The IANA time zone identifier.
    ///   - countryCode: The ISO 3166-1 country code.
    ///   - archivedAt: When it was archived.
    ///   - createdAt: When it was created.
    ///   - updatedAt: When it was last updated.
    public init(
        id: String,
        name: String,
        timeZoneIdentifier: String? = nil,
        countryCode: String? = nil,
        archivedAt: Date? = nil,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.timeZoneIdentifier = timeZoneIdentifier
        self.countryCode = countryCode
        self.archivedAt = archivedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
