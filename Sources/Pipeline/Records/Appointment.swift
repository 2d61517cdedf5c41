public import Foundation

/// A Cliniko individual appointment.
///
/// Cliniko has no status field: the outcome (attended, cancelled, did not arrive, upcoming) is derived from
/// ``cancelledAt``, ``didNotArrive`` and ``startsAt`` by the transform stage.
public struct Appointment: Sendable, Hashable, Codable {
    /// The Cliniko id.
    public var id: String
    /// The patient's Cliniko id.
    public var patientID: String
    /// The practitioner's Cliniko id, if known.
    public var practitionerID: String?
    /// The appointment type's Cliniko id, if known.
    public var appointmentTypeID: String?
    /// The business's Cliniko id, if known.
    public var businessID: String?
    /// When the appointment starts.
    public var startsAt: Date
    /// When the appointment ends.
    public var endsAt: Date
    /// When the appointment was cancelled, if it was.
    public var cancelledAt: Date?
    /// Cliniko's cancellation reason code (10 feeling better, 20 condition worse, 30 sick, …), if cancelled.
    public var cancellationReason: Int?
    /// Whether the patient did not arrive (a "DNA").
    public var didNotArrive: Bool
    /// Whether the patient was marked as arrived.
    public var patientArrived: Bool
    /// When the appointment was archived, if it was.
    public var archivedAt: Date?
    /// When the appointment was deleted, if it was.
    public var deletedAt: Date?
    /// When the appointment was created.
    public var createdAt: Date
    /// When the appointment was last updated.
    public var updatedAt: Date
    /// The free-text cancellation note, if any.
    public var cancellationNote: String?
    /// The id of the appointment this one repeats (`repeated_from`), if it is part of a series.
    public var repeatedFromID: String?

    /// Creates an appointment.
    ///
    /// - Parameters:
    ///   - id: The Cliniko id.
    ///   - patientID: The patient's id.
    ///   - practitionerID: The practitioner's id.
    ///   - appointmentTypeID: The appointment type's id.
    ///   - businessID: The business's id.
    ///   - startsAt: The start instant.
    ///   - endsAt: The end instant.
    ///   - cancelledAt: When it was cancelled.
    ///   - cancellationReason: Cliniko's cancellation reason code.
    ///   - didNotArrive: Whether the patient did not arrive. Defaults to `false`.
    ///   - patientArrived: Whether the patient arrived. Defaults to `false`.
    ///   - archivedAt: When it was archived.
    ///   - deletedAt: When it was deleted.
    ///   - createdAt: When it was created.
    ///   - updatedAt: When it was last updated.
    ///   - cancellationNote: The cancellation note.
    ///   - repeatedFromID: The id of the appointment this one repeats.
    public init(
        id: String,
        patientID: String,
        practitionerID: String? = nil,
        appointmentTypeID: String? = nil,
        businessID: String? = nil,
        startsAt: Date,
        endsAt: Date,
        cancelledAt: Date? = nil,
        cancellationReason: Int? = nil,
        didNotArrive: Bool = false,
        patientArrived: Bool = false,
        archivedAt: Date? = nil,
        deletedAt: Date? = nil,
        createdAt: Date,
        updatedAt: Date,
        cancellationNote: String? = nil,
        repeatedFromID: String? = nil
    ) {
        self.id = id
        self.patientID = patientID
        self.practitionerID = practitionerID
        self.appointmentTypeID = appointmentTypeID
        self.businessID = businessID
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.cancelledAt = cancelledAt
        self.cancellationReason = cancellationReason
        self.didNotArrive = didNotArrive
        self.patientArrived = patientArrived
        self.archivedAt = archivedAt
        self.deletedAt = deletedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.cancellationNote = cancellationNote
        self.repeatedFromID = repeatedFromID
    }
}
