/// All records of one simulated organization across Cliniko and Chatwoot, as compact value arrays.
///
/// Arrays are kept in creation order (which is also id order), the default Cliniko order.
struct ClinicData: Sendable {
    var businesses: [Business] = []
    var practitioners: [Practitioner] = []
    var appointmentTypes: [AppointmentType] = []
    var patients: [Patient] = []
    var appointments: [Appointment] = []
    var contacts: [ChatwootContact] = []
    var conversations: [ChatwootConversation] = []
    /// The next serial for each id kind (see ``ClinikoID``).
    var serials: [Int] = Array(repeating: 0, count: 8)
    var nextMessageID: Int32 = 1
    /// UTC offsets (seconds) per business per local day, starting at ``offsetFirstDay``.
    var offsets: [[Int32]] = []
    var offsetFirstDay: Int64 = 0

    /// The UTC offset of `business` on local day `day` (days since 1970), measured at local noon.
    func offset(business: Int, day: Int64) -> Int64 {
        let table = offsets[business]
        let index = Int(day - offsetFirstDay)
        if index >= 0, index < table.count { return Int64(table[index]) }
        return Int64(table[index < 0 ? 0 : table.count - 1])
    }
}
