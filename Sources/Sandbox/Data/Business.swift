/// A Cliniko business (a clinic location) with its own IANA time zone.
struct Business: Sendable {
    var id: Int64
    var name: String
    var city: String
    var state: String
    var postCode: String
    var timeZoneLabel: String
    var timeZoneIdentifier: String
    var createdAt: UInt32
    var updatedAt: UInt32
}
