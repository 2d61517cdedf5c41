/// A table the load stage merges source records into: its name, key and the columns a staged row carries.
///
/// Every name here is a compile-time constant: table and column names are spliced into SQL unescaped
/// (postgres-nio's `copyFrom` and our merge statements), so they must never come from data.
public struct WarehouseTable: Sendable, Hashable {
    /// The table, e.g. `patients`.
    public let name: String
    /// The source-id column that, with `organization_id`, is the primary key, e.g. `patient_id`.
    public let keyColumn: String
    /// The columns a staged row carries, in COPY order, starting with `organization_id` and the key column; the
    /// encoder appends `content_hash` after them.
    public let columns: [String]

    /// The columns the merge overwrites on change: everything but the primary key.
    var updatableColumns: [String] { columns.filter { $0 != "organization_id" && $0 != keyColumn } }

    /// The COPY column list, including the trailing `content_hash`.
    var copyColumns: [String] { columns + ["content_hash"] }

    /// The per-transaction staging table's name.
    var stagingName: String { "staging_" + name }

    init(name: String, keyColumn: String, columns: [String]) {
        precondition(columns.starts(with: ["organization_id", keyColumn]), "organization_id and the key come first")
        self.name = name
        self.keyColumn = keyColumn
        self.columns = columns
    }
}

extension WarehouseTable {
    private static let sourceTimes = ["source_created_at", "source_updated_at"]

    /// Cliniko patients.
    public static let patients = WarehouseTable(
        name: "patients",
        keyColumn: "patient_id",
        columns: [
            "organization_id", "patient_id", "first_name", "last_name", "preferred_first_name", "title", "email",
            "date_of_birth", "sex", "primary_phone_e164", "archived_at", "merged_at", "merged_into_id", "deleted_at",
        ] + sourceTimes
    )

    /// Cliniko individual appointments.
    public static let appointments = WarehouseTable(
        name: "appointments",
        keyColumn: "appointment_id",
        columns: [
            "organization_id", "appointment_id", "patient_id", "practitioner_id", "appointment_type_id", "business_id",
            "starts_at", "ends_at", "cancelled_at", "cancellation_reason", "cancellation_note", "did_not_arrive",
            "patient_arrived", "archived_at", "deleted_at", "repeated_from_id",
        ] + sourceTimes
    )

    /// Cliniko appointment types.
    public static let appointmentTypes = WarehouseTable(
        name: "appointment_types",
        keyColumn: "appointment_type_id",
        columns: [
            "organization_id", "appointment_type_id", "name", "category", "duration_minutes", "max_attendees",
            "telehealth_enabled", "archived_at",
        ] + sourceTimes
    )

    /// Cliniko practitioners (active and inactive).
    public static let practitioners = WarehouseTable(
        name: "practitioners",
        keyColumn: "practitioner_id",
        columns: [
            "organization_id", "practitioner_id", "first_name", "last_name", "title", "designation", "display_name",
            "active",
        ] + sourceTimes
    )

    /// Cliniko businesses.
    public static let businesses = WarehouseTable(
        name: "businesses",
        keyColumn: "business_id",
        columns: ["organization_id", "business_id", "name", "time_zone", "country", "archived_at"] + sourceTimes
    )

    /// Chatwoot contacts.
    public static let contacts = WarehouseTable(
        name: "contacts",
        keyColumn: "contact_id",
        columns: [
            "organization_id", "contact_id", "name", "email", "phone_number", "phone_e164", "identifier",
            "cliniko_patient_id", "source_created_at", "last_activity_at",
        ]
    )

    /// Chatwoot conversations.
    public static let conversations = WarehouseTable(
        name: "conversations",
        keyColumn: "conversation_id",
        columns: [
            "organization_id", "conversation_id", "contact_id", "inbox_id", "status", "channel", "labels",
            "source_created_at", "last_activity_at",
        ]
    )

    /// Chatwoot messages.
    public static let messages = WarehouseTable(
        name: "messages",
        keyColumn: "message_id",
        columns: [
            "organization_id", "message_id", "conversation_id", "message_type", "private", "status", "content",
            "source_created_at",
        ]
    )

    /// Clerk users who are members of the organization.
    public static let users = WarehouseTable(
        name: "users",
        keyColumn: "user_id",
        columns: [
            "organization_id", "user_id", "first_name", "last_name", "primary_email", "banned", "locked",
            "last_sign_in_at",
        ] + sourceTimes
    )

    /// Clerk organization memberships.
    public static let organizationMembers = WarehouseTable(
        name: "organization_members",
        keyColumn: "user_id",
        columns: ["organization_id", "user_id", "membership_id", "role"] + sourceTimes
    )

    /// Every source table, in the order the merge applies them (parents before children).
    public static let all: [WarehouseTable] = [
        .businesses, .practitioners, .appointmentTypes, .patients, .appointments, .contacts, .conversations, .messages,
        .users, .organizationMembers,
    ]
}
