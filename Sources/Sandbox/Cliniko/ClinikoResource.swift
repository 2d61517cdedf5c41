/// The Cliniko list resources the sandbox serves, with their filterable fields.
enum ClinikoResource: String, Sendable, CaseIterable {
    case patients
    case individualAppointments = "individual_appointments"
    case appointmentTypes = "appointment_types"
    case practitioners
    case inactivePractitioners = "practitioners/inactive"
    case businesses

    /// The kind of a filterable field, which decides the operators it accepts.
    enum Kind { case dateTime, date, number, string, bool }

    /// The JSON key of the list array.
    var listKey: StaticString {
        switch self {
        case .patients: "patients"
        case .individualAppointments: "individual_appointments"
        case .appointmentTypes: "appointment_types"
        case .practitioners, .inactivePractitioners: "practitioners"
        case .businesses: "businesses"
        }
    }

    /// Filterable fields per the fact sheet §A.5 (`archived_at` is accepted on patients too).
    var fields: [String: Kind] {
        switch self {
        case .patients:
            [
                "created_at": .dateTime, "updated_at": .dateTime, "archived_at": .dateTime, "date_of_birth": .date,
                "email": .string, "first_name": .string, "last_name": .string, "id": .number,
                "old_reference_id": .string,
            ]
        case .individualAppointments:
            [
                "appointment_type_id": .number, "archived_at": .dateTime, "business_id": .number,
                "cancelled_at": .dateTime, "created_at": .dateTime, "ends_at": .dateTime, "id": .number,
                "patient_id": .number, "practitioner_id": .number, "repeated_from_id": .number,
                "starts_at": .dateTime, "updated_at": .dateTime,
            ]
        case .appointmentTypes:
            [
                "archived_at": .dateTime, "category": .string, "created_at": .dateTime, "id": .number,
                "show_in_online_bookings": .bool, "updated_at": .dateTime,
            ]
        case .practitioners, .inactivePractitioners:
            ["created_at": .dateTime, "id": .number, "updated_at": .dateTime, "user_id": .number]
        case .businesses:
            ["created_at": .dateTime, "id": .number, "updated_at": .dateTime]
        }
    }

    /// Sortable fields (filterable ones plus a few display fields).
    func isSortable(_ field: String) -> Bool {
        fields[field] != nil || (self == .individualAppointments && field == "appointment_start")
    }

    /// Fields whose non-null rows are hidden unless the query filters on them.
    var hiddenUnlessFiltered: [String] {
        switch self {
        case .patients, .appointmentTypes: ["archived_at"]
        case .individualAppointments: ["archived_at", "cancelled_at"]
        default: []
        }
    }

    /// Row indices this resource lists before filtering.
    func rows(in data: ClinicData) -> [Int32] {
        switch self {
        case .patients: (0..<Int32(data.patients.count)).filter { data.patients[Int($0)].deletedAt == 0 }
        case .individualAppointments: Array(0..<Int32(data.appointments.count))
        case .appointmentTypes: Array(0..<Int32(data.appointmentTypes.count))
        case .practitioners: (0..<Int32(data.practitioners.count)).filter { data.practitioners[Int($0)].isActive }
        case .inactivePractitioners:
            (0..<Int32(data.practitioners.count)).filter { !data.practitioners[Int($0)].isActive }
        case .businesses: Array(0..<Int32(data.businesses.count))
        }
    }

    /// The value of `field` on row `row`.
    func value(_ field: String, row: Int, in data: ClinicData) -> FieldValue {
        switch self {
        case .patients:
            let p = data.patients[row]
            switch field {
            case "created_at": return .time(p.createdAt)
            case "updated_at": return .time(p.updatedAt)
            case "archived_at": return .time(p.archivedAt)
            case "date_of_birth": return .date(p.dateOfBirth)
            case "email": return .string(p.email)
            case "first_name": return .string(p.firstName)
            case "last_name": return .string(p.lastName)
            case "id": return .number(p.id)
            default: return .string(nil)
            }
        case .individualAppointments:
            let a = data.appointments[row]
            switch field {
            case "created_at": return .time(a.createdAt)
            case "updated_at": return .time(a.updatedAt)
            case "archived_at": return .time(a.archivedAt)
            case "cancelled_at": return .time(a.cancelledAt)
            case "starts_at", "appointment_start": return .time(a.startsAt)
            case "ends_at": return .time(a.endsAt)
            case "id": return .number(a.id)
            case "patient_id": return .number(data.patients[Int(a.patient)].id)
            case "practitioner_id": return .number(data.practitioners[Int(a.practitioner)].id)
            case "business_id": return .number(data.businesses[Int(a.business)].id)
            case "appointment_type_id": return .number(data.appointmentTypes[Int(a.appointmentType)].id)
            case "repeated_from_id":
                return .number(
                    a.repeatedFrom >= 0 && Int(a.repeatedFrom) != row
                        ? data.appointments[Int(a.repeatedFrom)].id : nil)
            default: return .string(nil)
            }
        case .appointmentTypes:
            let t = data.appointmentTypes[row]
            switch field {
            case "created_at": return .time(t.createdAt)
            case "updated_at": return .time(t.updatedAt)
            case "archived_at": return .time(t.archivedAt)
            case "category": return .string(t.category)
            case "show_in_online_bookings": return .bool(t.showInOnlineBookings)
            default: return .number(t.id)
            }
        case .practitioners, .inactivePractitioners:
            let p = data.practitioners[row]
            switch field {
            case "created_at": return .time(p.createdAt)
            case "updated_at": return .time(p.updatedAt)
            case "user_id": return .number(p.userID)
            default: return .number(p.id)
            }
        case .businesses:
            let b = data.businesses[row]
            switch field {
            case "created_at": return .time(b.createdAt)
            case "updated_at": return .time(b.updatedAt)
            default: return .number(b.id)
            }
        }
    }
}
