public import Foundation

/// A Cliniko practitioner.
public struct Practitioner: Sendable, Hashable, Codable {
    /// The Cliniko id.
    public var id: String
    /// The first name.
    public var firstName: String
    /// The last name.
    public var lastName: String
    /// The designation, such as "Physiotherapist", if any.
    public var designation: String?
    /// Whether the practitioner is active (listed by `/practitioners` rather than `/practitioners/inactive`).
    public var isActive: Bool
    /// When the practitioner was created.
    public var createdAt: Date
    /// When the practitioner was last updated.
    public var updatedAt: Date
    /// The title ("Dr"…), if any.
    public var title: String?
    /// Cliniko's `label`, the display name, if any.
    public var displayName: String?

    /// Creates a practitioner.
    ///
    /// - Parameters:
    ///   - id: The Cliniko id.
    ///   - firstName: The first name.
    ///   - lastName: The last name.
    ///   - designation: The designation.
    ///   - isActive: Whether the practitioner is active. Defaults to `true`.
    ///   - createdAt: When the practitioner was created.
    ///   - updatedAt: When the practitioner was last updated.
    ///   - title: The title.
    ///   - displayName: Cliniko's `label`.
    public init(
        id: String,
        firstName: String,
        lastName: String,
        designation: String? = nil,
        isActive: Bool = true,
        createdAt: Date,
        updatedAt: Date,
        title: String? = nil,
        displayName: String? = nil
    ) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.designation = designation
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.title = title
        self.displayName = displayName
    }
}
