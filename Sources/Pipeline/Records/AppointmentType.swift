public import Foundation

/// A Cliniko appointment type ("Initial Consultation", "Follow-up"…).
public struct AppointmentType: Sendable, Hashable, Codable {
    /// The Cliniko id.
    public var id: String
    /// The display name.
    public var name: String
    /// The category, such as "Physiotherapy", if any.
    public var category: String?
    /// The default duration in minutes.
    public var durationInMinutes: Int?
    /// Whether the type is a telehealth type.
    public var isTelehealthEnabled: Bool
    /// When the type was archived, if it was.
    public var archivedAt: Date?
    /// When the type was created.
    public var createdAt: Date
    /// When the type was last updated.
    public var updatedAt: Date
    /// The largest number of attendees (more than 1 for group classes), if known.
    public var maxAttendees: Int?

    /// Creates an appointment type.
    ///
    /// - Parameters:
    ///   - id: The Cliniko id.
    ///   - name: The display name.
    ///   - category: The category.
    ///   - durationInMinutes: The default duration.
    ///   - isTelehealthEnabled: Whether it is a telehealth type. Defaults to `false`.
    ///   - archivedAt: When it was archived.
    ///   - createdAt: When it was created.
    ///   - updatedAt: When it was last updated.
    ///   - maxAttendees: The largest number of attendees.
    public init(
        id: String,
        name: String,
        category: String? = nil,
        durationInMinutes: Int? = nil,
        isTelehealthEnabled: Bool = false,
        archivedAt: Date? = nil,
        createdAt: Date,
        updatedAt: Date,
        maxAttendees: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.category = category
        self.durationInMinutes = durationInMinutes
        self.isTelehealthEnabled = isTelehealthEnabled
        self.archivedAt = archivedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.maxAttendees = maxAttendees
    }
}
