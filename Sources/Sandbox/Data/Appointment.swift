/// A Cliniko individual appointment (about 56 bytes; an organization of 20,000 patients holds ~260,000).
struct Appointment: Sendable {
    var id: Int64
    var patient: Int32
    /// Index of the appointment this one repeats, or -1.
    var repeatedFrom: Int32
    var startsAt: UInt32
    var endsAt: UInt32
    var createdAt: UInt32
    var updatedAt: UInt32
    var cancelledAt: UInt32
    var archivedAt: UInt32
    var deletedAt: UInt32
    var practitioner: UInt8
    var appointmentType: UInt8
    var business: UInt8
    /// Cancellation reason code (10, 20, 30, 31, 40, 50, 60) or 0.
    var cancellationReason: UInt8
    var flags: Flags
    var revision: UInt8

    /// Outcome and booking flags.
    struct Flags: OptionSet, Sendable {
        var rawValue: UInt8
        static let arrived = Flags(rawValue: 1)
        static let didNotArrive = Flags(rawValue: 2)
        static let onlineBooking = Flags(rawValue: 4)
        static let repeating = Flags(rawValue: 8)
        static let smsReminderSent = Flags(rawValue: 16)
    }
}
