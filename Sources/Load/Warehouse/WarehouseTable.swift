/// A table the load stage merges source records into: its name, key and the columns a staged row carries.
///
/// Every name here is a compile-time constant: table and column names are spliced into SQL unescaped
/// (postgres-nio's `copyFrom` and our merge statements), so they must never come from data.
public struct WarehouseTable: Sendable, Hashable {
    /// The table, e.g. `patients`.
    public let name: String
    /// The source-id column that, with `organization_id`, is the primary key, e.g. `patient_id`.
    public let keyColumn: String
    /// The columns a staged row carries, in COPY order, starting with `organization_id` and the key column, with the
    /// type and range each value must have; the encoder appends `content_hash` after them.
    public let columns: [WarehouseColumn]

    /// The column names, in COPY order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The columns the merge overwrites on change: everything but the primary key.
    var updatableColumns: [String] { columnNames.filter { $0 != "organization_id" && $0 != keyColumn } }

    /// The COPY column list, including the trailing `content_hash`.
    var copyColumns: [String] { columnNames + ["content_hash"] }

    /// The run-tagged staging table's name, in the `routiq_staging` schema (``StagingArea``).
    var stagingName: String { StagingArea.schema + "." + name }

    /// The staging table of the patients' phones, which carries the patient's version besides
    /// ``patientPhoneColumns``.
    public static let patientPhonesStagingName = StagingArea.schema + ".patient_phones"

    init(name: String, keyColumn: String, columns: [WarehouseColumn]) {
        precondition(
            columns.map(\.name).starts(with: ["organization_id", keyColumn]), "organization_id and the key come first")
        self.name = name
        self.keyColumn = keyColumn
        self.columns = columns
    }
}

extension WarehouseTable {
    private static func keys(_ key: String) -> [WarehouseColumn] {
        [
            WarehouseColumn("organization_id", .identifier, nullable: false),
            WarehouseColumn(key, .identifier, nullable: false),
        ]
    }

    private static let sourceTimes = [
        WarehouseColumn("source_created_at", .timestamp), WarehouseColumn("source_updated_at", .timestamp),
    ]

    /// Cliniko patients.
    public static let patients = WarehouseTable(
        name: "patients",
        keyColumn: "patient_id",
        columns: keys("patient_id") + [
            WarehouseColumn("first_name", .shortText), WarehouseColumn("last_name", .shortText),
            WarehouseColumn("preferred_first_name", .shortText), WarehouseColumn("title", .shortText),
            WarehouseColumn("email", .shortText), WarehouseColumn("date_of_birth", .date),
            WarehouseColumn("sex", .shortText), WarehouseColumn("primary_phone_e164", .identifier),
            WarehouseColumn("archived_at", .timestamp), WarehouseColumn("merged_at", .timestamp),
            WarehouseColumn("merged_into_id", .identifier), WarehouseColumn("deleted_at", .timestamp),
        ] + sourceTimes
    )

    /// The phones of Cliniko patients, staged with the patient's version (``patientPhonesStagingName``).
    public static let patientPhoneColumns: [WarehouseColumn] = [
        WarehouseColumn("organization_id", .identifier, nullable: false),
        WarehouseColumn("patient_id", .identifier, nullable: false),
        WarehouseColumn("position", .integer, nullable: false),
        WarehouseColumn("raw_number", .shortText, nullable: false), WarehouseColumn("phone_type", .shortText),
        WarehouseColumn("e164", .identifier), WarehouseColumn("number_kind", .shortText),
        WarehouseColumn("normalization", .shortText, nullable: false), WarehouseColumn("version", .timestamp),
    ]

    /// Cliniko individual appointments.
    public static let appointments = WarehouseTable(
        name: "appointments",
        keyColumn: "appointment_id",
        columns: keys("appointment_id") + [
            WarehouseColumn("patient_id", .identifier), WarehouseColumn("practitioner_id", .identifier),
            WarehouseColumn("appointment_type_id", .identifier), WarehouseColumn("business_id", .identifier),
            WarehouseColumn("starts_at", .timestamp, nullable: false), WarehouseColumn("ends_at", .timestamp),
            WarehouseColumn("cancelled_at", .timestamp), WarehouseColumn("cancellation_reason", .integer),
            WarehouseColumn("cancellation_note", .longText),
            WarehouseColumn("did_not_arrive", .boolean, nullable: false),
            WarehouseColumn("patient_arrived", .boolean, nullable: false), WarehouseColumn("archived_at", .timestamp),
            WarehouseColumn("deleted_at", .timestamp), WarehouseColumn("repeated_from_id", .identifier),
        ] + sourceTimes
    )

    /// Cliniko appointment types.
    public static let appointmentTypes = WarehouseTable(
        name: "appointment_types",
        keyColumn: "appointment_type_id",
        columns: keys("appointment_type_id") + [
            WarehouseColumn("name", .shortText, nullable: false), WarehouseColumn("category", .shortText),
            WarehouseColumn("duration_minutes", .integer), WarehouseColumn("max_attendees", .integer),
            WarehouseColumn("telehealth_enabled", .boolean, nullable: false),
            WarehouseColumn("archived_at", .timestamp),
        ] + sourceTimes
    )

    /// Cliniko practitioners (active and inactive).
    public static let practitioners = WarehouseTable(
        name: "practitioners",
        keyColumn: "practitioner_id",
        columns: keys("practitioner_id") + [
            WarehouseColumn("first_name", .shortText), WarehouseColumn("last_name", .shortText),
            WarehouseColumn("title", .shortText), WarehouseColumn("designation", .shortText),
            WarehouseColumn("display_name", .shortText), WarehouseColumn("active", .boolean, nullable: false),
        ] + sourceTimes
    )

    /// Cliniko businesses.
    public static let businesses = WarehouseTable(
        name: "businesses",
        keyColumn: "business_id",
        columns: keys("business_id") + [
            WarehouseColumn("name", .shortText, nullable: false), WarehouseColumn("time_zone", .shortText),
            WarehouseColumn("country", .shortText), WarehouseColumn("archived_at", .timestamp),
        ] + sourceTimes
    )

    /// Chatwoot contacts.
    public static let contacts = WarehouseTable(
        name: "contacts",
        keyColumn: "contact_id",
        columns: keys("contact_id") + [
            WarehouseColumn("name", .shortText), WarehouseColumn("email", .shortText),
            WarehouseColumn("phone_number", .shortText), WarehouseColumn("phone_e164", .identifier),
            WarehouseColumn("identifier", .shortText), WarehouseColumn("cliniko_patient_id", .identifier),
            WarehouseColumn("source_created_at", .timestamp), WarehouseColumn("last_activity_at", .timestamp),
        ]
    )

    /// Chatwoot conversations.
    public static let conversations = WarehouseTable(
        name: "conversations",
        keyColumn: "conversation_id",
        columns: keys("conversation_id") + [
            WarehouseColumn("contact_id", .identifier), WarehouseColumn("inbox_id", .identifier),
            WarehouseColumn("status", .shortText, nullable: false), WarehouseColumn("channel", .shortText),
            WarehouseColumn("labels", .textArray, nullable: false), WarehouseColumn("source_created_at", .timestamp),
            WarehouseColumn("last_activity_at", .timestamp),
        ]
    )

    /// Chatwoot messages.
    public static let messages = WarehouseTable(
        name: "messages",
        keyColumn: "message_id",
        columns: keys("message_id") + [
            WarehouseColumn("conversation_id", .identifier, nullable: false),
            WarehouseColumn("message_type", .oneOf(["incoming", "outgoing", "activity", "template"]), nullable: false),
            WarehouseColumn("private", .boolean, nullable: false), WarehouseColumn("status", .shortText),
            WarehouseColumn("content", .longText), WarehouseColumn("source_created_at", .timestamp, nullable: false),
        ]
    )

    /// Clerk users who are members of the organization.
    public static let users = WarehouseTable(
        name: "users",
        keyColumn: "user_id",
        columns: keys("user_id") + [
            WarehouseColumn("first_name", .shortText), WarehouseColumn("last_name", .shortText),
            WarehouseColumn("primary_email", .shortText), WarehouseColumn("banned", .boolean, nullable: false),
            WarehouseColumn("locked", .boolean, nullable: false), WarehouseColumn("last_sign_in_at", .timestamp),
        ] + sourceTimes
    )

    /// Clerk organization memberships.
    public static let organizationMembers = WarehouseTable(
        name: "organization_members",
        keyColumn: "user_id",
        columns: keys("user_id") + [
            WarehouseColumn("membership_id", .identifier, nullable: false),
            WarehouseColumn("role", .shortText, nullable: false),
        ] + sourceTimes
    )

    /// Every source table, in the order the merge applies them (parents before children).
    public static let all: [WarehouseTable] = [
        .businesses, .practitioners, .appointmentTypes, .patients, .appointments, .contacts, .conversations, .messages,
        .users, .organizationMembers,
    ]
}
