public import Foundation
public import Logging
public import Pipeline
public import PostgresNIO

/// Streams an organization's patients from the warehouse in patient order, each with every appointment and the
/// latest patient-facing message of their matched conversations, in batches of bounded size.
///
/// Scoring depends on time, so every patient is re-scored on every run from the warehouse, not from the fetched
/// delta (DESIGN §4). A server-side cursor inside the caller's transaction keeps memory at one batch of rows plus
/// the patient being assembled, whatever the number of patients; between batches the connection is free for the
/// caller to `COPY` the derived rows, in the same transaction.
public struct PatientHistoryReader: ~Copyable {
    /// One patient and everything scoring needs about them.
    public struct Group: Sendable {
        /// The patient.
        public var patient: Patient
        /// Every appointment of the patient that the source still has (removed ones are left out), by start.
        public var appointments: [Appointment]
        /// The latest incoming, outgoing or template message, not private, in a conversation matched to the patient.
        public var lastMessageAt: Date?
    }

    private let connection: PostgresConnection
    private let logger: Logger
    private let batchSize: Int
    private var pending: Group?
    private var exhausted = false

    private init(connection: PostgresConnection, logger: Logger, batchSize: Int) {
        self.connection = connection
        self.logger = logger
        self.batchSize = batchSize
    }

    /// Opens the cursor, runs `body` with the reader, and closes the cursor.
    ///
    /// - Important: Must run inside a transaction on `connection` (cursors live in a transaction).
    /// - Parameters:
    ///   - organization: Whose patients.
    ///   - batchSize: Rows fetched per round trip; 2,000 by default.
    public static func withReader<Result>(
        organization: String,
        on connection: PostgresConnection,
        batchSize: Int = 2_000,
        logger: Logger,
        _ body: (inout PatientHistoryReader) async throws -> Result
    ) async throws -> Result {
        // Plan for the whole result, not the first rows, and without nested loops: on a first run the tables were
        // filled in this very transaction and have no statistics yet (ANALYZE would lock out every other
        // organization's run until this one commits), and a nested loop chosen on guessed row counts can take
        // minutes where hash joins take a second.
        var previousNestLoop = "on"
        for try await value in try await connection.query("SHOW enable_nestloop", logger: logger).decode(String.self) {
            previousNestLoop = value
        }
        try await connection.query("SET LOCAL cursor_tuple_fraction = 1.0", logger: logger)
        try await connection.query("SET LOCAL enable_nestloop = off", logger: logger)
        try await connection.query(
            """
            DECLARE routiq_patient_history NO SCROLL CURSOR FOR
            WITH last_message AS (
                SELECT cm.patient_id, max(m.source_created_at) AS at
                FROM contact_matches cm
                JOIN conversations c ON c.organization_id = cm.organization_id AND c.contact_id = cm.contact_id
                JOIN messages m ON m.organization_id = c.organization_id AND m.conversation_id = c.conversation_id
                WHERE cm.organization_id = \(organization) AND cm.status = 'matched'
                  AND m.message_type IN ('incoming', 'outgoing', 'template') AND NOT m.private
                  AND c.removed_at IS NULL AND m.removed_at IS NULL
                GROUP BY cm.patient_id
            )
            SELECT p.patient_id, p.first_name, p.last_name, p.email, p.date_of_birth::text, p.archived_at, p.merged_at,
                   p.merged_into_id, p.deleted_at, coalesce(p.source_created_at, p.loaded_at),
                   coalesce(p.source_updated_at, p.loaded_at), lm.at,
                   a.appointment_id, a.practitioner_id, a.appointment_type_id, a.business_id, a.starts_at,
                   coalesce(a.ends_at, a.starts_at), a.cancelled_at, a.cancellation_reason, a.did_not_arrive,
                   a.patient_arrived, a.archived_at, a.deleted_at, coalesce(a.source_created_at, a.loaded_at),
                   coalesce(a.source_updated_at, a.loaded_at)
            FROM patients p
            LEFT JOIN appointments a
                   ON a.organization_id = p.organization_id AND a.patient_id = p.patient_id AND a.removed_at IS NULL
            LEFT JOIN last_message lm ON lm.patient_id = p.patient_id
            WHERE p.organization_id = \(organization) AND p.removed_at IS NULL
            ORDER BY p.patient_id, a.starts_at, a.appointment_id
            """,
            logger: logger
        )
        var reader = PatientHistoryReader(connection: connection, logger: logger, batchSize: max(1, batchSize))
        do {
            let result = try await body(&reader)
            try await connection.query("CLOSE routiq_patient_history", logger: logger)
            // Back to what the caller had (the runner turns nested loops off for its whole transaction).
            try await connection.query(
                "SELECT set_config('enable_nestloop', \(previousNestLoop), true)", logger: logger)
            try await connection.query("RESET cursor_tuple_fraction", logger: logger)
            return result
        } catch {
            _ = try? await connection.query("CLOSE routiq_patient_history", logger: logger)
            throw error
        }
    }

    /// The next patients (complete, each with all appointments), or `nil` when every patient has been read.
    public mutating func next() async throws -> [Group]? {
        var complete: [Group] = []
        while complete.isEmpty {
            if exhausted {
                guard let last = pending else { return nil }
                pending = nil
                return [last]
            }
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: "FETCH \(batchSize) FROM routiq_patient_history"), logger: logger)
            var fetched = 0
            for try await row in rows {
                fetched += 1
                let (patient, lastMessageAt, appointment) = try Self.decode(row)
                if pending?.patient.id != patient.id {
                    if let finished = pending { complete.append(finished) }
                    pending = Group(patient: patient, appointments: [], lastMessageAt: lastMessageAt)
                }
                if let appointment { pending?.appointments.append(appointment) }
            }
            if fetched < batchSize { exhausted = true }
        }
        return complete
    }

    private static func decode(_ row: PostgresRow) throws -> (Patient, Date?, Appointment?) {
        let (id, first, last, email, birth, archived, merged, mergedInto, deleted, created, updated, lastMessage) =
            try row.decode(
                (String, String?, String?, String?, String?, Date?, Date?, String?, Date?, Date, Date, Date?).self
            )
        let patient = Patient(
            id: id, firstName: first ?? "", lastName: last ?? "", email: email, dateOfBirth: birth,
            archivedAt: archived,
            mergedAt: merged, mergedIntoPatientID: mergedInto, deletedAt: deleted, createdAt: created,
            updatedAt: updated
        )
        let columns = row.makeRandomAccess()
        guard try columns[12].decode(String?.self) != nil else { return (patient, lastMessage, nil) }
        let appointment = Appointment(
            id: try columns[12].decode(String.self),
            patientID: id,
            practitionerID: try columns[13].decode(String?.self),
            appointmentTypeID: try columns[14].decode(String?.self),
            businessID: try columns[15].decode(String?.self),
            startsAt: try columns[16].decode(Date.self),
            endsAt: try columns[17].decode(Date.self),
            cancelledAt: try columns[18].decode(Date?.self),
            cancellationReason: try columns[19].decode(Int?.self),
            didNotArrive: try columns[20].decode(Bool.self),
            patientArrived: try columns[21].decode(Bool.self),
            archivedAt: try columns[22].decode(Date?.self),
            deletedAt: try columns[23].decode(Date?.self),
            createdAt: try columns[24].decode(Date.self),
            updatedAt: try columns[25].decode(Date.self)
        )
        return (patient, lastMessage, appointment)
    }
}
