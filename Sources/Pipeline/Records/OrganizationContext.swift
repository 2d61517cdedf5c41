public import Foundation

/// What a transform needs to know about the organization whose records it processes.
///
/// One organization is one clinic (one tenant). Day boundaries, ISO weeks and "days since" counts are taken in
/// the organization's time zone, and phone numbers written without a country code are read in its default
/// phone region.
public struct OrganizationContext: Sendable, Hashable, Codable {
    /// The organization's id (the Clerk organization id).
    public var id: String
    /// The IANA time zone identifier of the clinic, such as `Australia/Sydney`.
    public var timeZoneIdentifier: String
    /// The ISO 3166-1 region whose national numbering plan applies to numbers without a country code, such as `AU`.
    public var defaultPhoneRegion: String

    /// Creates an organization context.
    ///
    /// - Parameters:
    ///   - id: The organization's id.
    ///   - timeZoneIdentifier: The IANA time zone identifier, such as `Australia/Sydney`.
    ///   - defaultPhoneRegion: The ISO 3166-1 region code for national phone numbers, such as `AU`.
    public init(id: String, timeZoneIdentifier: String, defaultPhoneRegion: String) {
        self.id = id
        self.timeZoneIdentifier = timeZoneIdentifier
        self.defaultPhoneRegion = defaultPhoneRegion
    }

    /// The organization's time zone, or `nil` when ``timeZoneIdentifier`` is not a known IANA identifier.
    public var timeZone: TimeZone? {
        TimeZone(identifier: timeZoneIdentifier)
    }
}
