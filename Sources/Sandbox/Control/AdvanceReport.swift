/// What `POST /_sandbox/advance` changed: exact counts of records created or updated in the advanced window.
///
/// Counts come from scanning the data after the change, so an incremental client asking for
/// `updated_at:>previous_now` (with `archived_at:*` and `cancelled_at:*`) sees exactly the `*_changed` rows.
public struct AdvanceReport: Codable, Sendable, Equatable {
    /// Days advanced.
    public var days: Int
    /// The simulated present before the advance (ISO-8601 UTC).
    public var previousNow: String
    /// The simulated present after the advance (ISO-8601 UTC).
    public var now: String
    /// Per-organization deltas, in organization order.
    public var organizations: [OrganizationDelta]

    /// The change to one organization.
    public struct OrganizationDelta: Codable, Sendable, Equatable {
        /// Clerk organization id.
        public var id: String
        /// Patients created in the window.
        public var patientsCreated: Int
        /// Patients whose `updated_at` moved into the window (created ones included).
        public var patientsChanged: Int
        /// Patients archived in the window.
        public var patientsArchived: Int
        /// Appointments created (booked) in the window.
        public var appointmentsCreated: Int
        /// Appointments whose `updated_at` moved into the window (created ones included).
        public var appointmentsChanged: Int
        /// Appointments rescheduled in the window.
        public var appointmentsRescheduled: Int
        /// Appointments cancelled in the window.
        public var appointmentsCancelled: Int
        /// Appointments marked attended in the window.
        public var appointmentsAttended: Int
        /// Appointments marked did-not-arrive in the window.
        public var appointmentsDidNotArrive: Int
        /// Chatwoot contacts created in the window.
        public var contactsCreated: Int
        /// Chatwoot conversations created in the window.
        public var conversationsCreated: Int
        /// Chatwoot messages created in the window.
        public var messagesCreated: Int
    }

    enum CodingKeys: String, CodingKey {
        case days
        case previousNow = "previous_now"
        case now
        case organizations
    }
}

extension AdvanceReport.OrganizationDelta {
    enum CodingKeys: String, CodingKey {
        case id
        case patientsCreated = "patients_created"
        case patientsChanged = "patients_changed"
        case patientsArchived = "patients_archived"
        case appointmentsCreated = "appointments_created"
        case appointmentsChanged = "appointments_changed"
        case appointmentsRescheduled = "appointments_rescheduled"
        case appointmentsCancelled = "appointments_cancelled"
        case appointmentsAttended = "appointments_attended"
        case appointmentsDidNotArrive = "appointments_did_not_arrive"
        case contactsCreated = "contacts_created"
        case conversationsCreated = "conversations_created"
        case messagesCreated = "messages_created"
    }
}
