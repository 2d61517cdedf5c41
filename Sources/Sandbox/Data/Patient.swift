/// A Cliniko patient, stored compactly (times as unix seconds, 0 meaning null).
struct Patient: Sendable {
    var id: Int64
    var firstName: String
    var lastName: String
    var preferredFirstName: String?
    var title: String?
    var email: String?
    /// Up to two phone entries as typed by the clinic; `phoneType1`/`phoneType2` hold ``PhoneType`` raw values.
    var phone1: String?
    var phone2: String?
    var phoneType1: UInt8
    var phoneType2: UInt8
    var sex: UInt8
    var city: UInt8
    /// Days since 1970, `Int32.min` meaning no date of birth.
    var dateOfBirth: Int32
    /// Index of the patient this one was merged into, or -1.
    var mergedInto: Int32
    var createdAt: UInt32
    var updatedAt: UInt32
    var archivedAt: UInt32
    var mergedAt: UInt32
    var deletedAt: UInt32
    /// Bumped on every simulated edit, and rendered into `notes`.
    var revision: UInt16
    var isOnlineBooking: Bool
}
