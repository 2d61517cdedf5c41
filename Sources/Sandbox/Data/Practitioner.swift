/// A Cliniko practitioner; inactive ones are served only by `/practitioners/inactive`.
struct Practitioner: Sendable {
    var id: Int64
    var userID: Int64
    var firstName: String
    var lastName: String
    var title: String?
    var designation: String
    var isActive: Bool
    var business: UInt8
    var createdAt: UInt32
    var updatedAt: UInt32
}
