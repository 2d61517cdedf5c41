/// A Cliniko appointment type.
struct AppointmentType: Sendable {
    var id: Int64
    var name: String
    var category: String
    var color: String
    var durationInMinutes: Int
    var maxAttendees: Int
    var isTelehealth: Bool
    var depositPrice: String
    var showInOnlineBookings: Bool
    var createdAt: UInt32
    var updatedAt: UInt32
    var archivedAt: UInt32
}
