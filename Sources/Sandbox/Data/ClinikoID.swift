/// Cliniko-style 19-digit ids that increase with creation time.
enum ClinikoID {
    static let patient = 0
    static let appointment = 1
    static let appointmentType = 2
    static let practitioner = 3
    static let business = 4
    static let user = 5

    /// `1300…` plus seconds since 2015 scaled, plus a kind/organization/serial suffix that keeps ids unique.
    static func make(createdAt: UInt32, kind: Int, organization: Int, serial: Int) -> Int64 {
        let since2015 = max(Int64(createdAt) - 1_420_070_400, 0)
        return 1_300_000_000_000_000_000 + since2015 * 1_000_000_000 + Int64(kind) * 100_000_000
            + Int64(organization % 20) * 5_000_000 + Int64(serial % 5_000_000)
    }
}
