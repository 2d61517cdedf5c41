/// Cliniko's `phone_type` values.
enum PhoneType: UInt8, Sendable {
    case mobile, home, work, fax, other

    var label: StaticString {
        switch self {
        case .mobile: "Mobile"
        case .home: "Home"
        case .work: "Work"
        case .fax: "Fax"
        case .other: "Other"
        }
    }
}
