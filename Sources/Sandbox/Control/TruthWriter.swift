/// Renders the canonical data of one resource as JSON Lines, in the APIs' own record shapes, including rows the
/// list endpoints hide (archived, cancelled, deleted, merged, inactive, unresolved contacts).
enum TruthWriter {
    /// Resource names accepted by `/_sandbox/truth/{organization}/{resource}` and written by `--dump`.
    static let clinicResources = [
        "patients", "individual_appointments", "appointment_types", "practitioners", "businesses", "contacts",
        "conversations", "messages",
    ]
    /// Instance-wide Clerk resources, under the pseudo-organization `clerk`.
    static let clerkResources = ["users", "organizations", "memberships"]

    /// JSON Lines for `resource` of `clinic`, or `nil` for an unknown resource.
    static func lines(_ resource: String, clinic: Clinic, clinikoBase: String) -> [UInt8]? {
        let data = clinic.data
        let cliniko = ClinikoEncoder(base: clinikoBase, data: data, profile: clinic.profile)
        let chatwoot = ChatwootEncoder(
            data: data, accountID: clinic.profile.chatwootAccountID, includeContactInboxes: false)
        var w = JSONWriter(capacity: 1 << 20)
        func each(_ count: Int, _ body: (Int, inout JSONWriter) -> Void) {
            for index in 0..<count {
                body(index, &w)
                w.newline()
            }
        }
        switch resource {
        case "patients": each(data.patients.count) { cliniko.patient($0, &$1) }
        case "individual_appointments": each(data.appointments.count) { cliniko.appointment($0, &$1) }
        case "appointment_types": each(data.appointmentTypes.count) { cliniko.appointmentType($0, &$1) }
        case "practitioners": each(data.practitioners.count) { cliniko.practitioner($0, &$1) }
        case "businesses": each(data.businesses.count) { cliniko.business($0, &$1) }
        case "contacts": each(data.contacts.count) { chatwoot.contact($0, &$1) }
        case "conversations": each(data.conversations.count) { chatwoot.conversation($0, &$1) }
        case "messages":
            for conversation in data.conversations {
                for index in conversation.messages.indices {
                    chatwoot.message(conversation, index, &w)
                    w.newline()
                }
            }
        default: return nil
        }
        return w.bytes
    }

    /// JSON Lines for a Clerk resource, or `nil` for an unknown resource.
    static func clerkLines(_ resource: String, directory: ClerkDirectory, profiles: [OrganizationProfile]) -> [UInt8]? {
        let encoder = ClerkEncoder(directory: directory, profiles: profiles)
        var w = JSONWriter(capacity: 1 << 16)
        switch resource {
        case "users":
            for index in directory.users.indices {
                encoder.user(index, &w)
                w.newline()
            }
        case "organizations":
            for index in profiles.indices {
                encoder.organization(index, includeMembersCount: true, &w)
                w.newline()
            }
        case "memberships":
            for index in directory.memberships.indices {
                encoder.membership(index, &w)
                w.newline()
            }
        default: return nil
        }
        return w.bytes
    }
}
