import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO
import Transform

/// Matches every Chatwoot contact of an organization to its Cliniko patients, from the warehouse, and updates
/// `contact_matches`, touching only matches that changed.
///
/// The patient index (numbers and e-mails) is built once per organization, one patient row at a time; contacts are
/// matched as they are read, so neither patients nor contacts are ever all in memory, only the index and the
/// encoded matches.
struct ContactMatching: Sendable {
    let organization: String
    let settings: MatchContactsSettings

    func run(on connection: PostgresConnection, logger: Logger) async throws {
        let methods = settings.methods.compactMap { ContactMatch.Method(rawValue: $0.rawValue) }
        var matcher = ContactMatcher(patients: [], configuration: .init(methods: methods))
        try await indexPatients(into: &matcher, on: connection, logger: logger)
        let rows = try await connection.query(
            """
            SELECT contact_id, name, email, phone_number, phone_e164, identifier, cliniko_patient_id
            FROM contacts WHERE organization_id = \(organization) AND removed_at IS NULL
            """,
            logger: logger
        )
        var encoder = CopyRowEncoder()
        for try await (id, name, email, phone, e164, identifier, patientID) in rows.decode(
            (String, String?, String?, String?, String?, String?, String?).self
        ) {
            var contact = Contact(
                id: id, name: name, email: email, phoneNumber: phone, identifier: identifier,
                clinikoPatientID: patientID)
            contact.phoneNormalization = e164.map { PhoneNormalization(e164: $0, type: .unknown, failureReason: nil) }
            let match = matcher.match(contact)
            encoder.field(organization)
            encoder.field(match.contactID)
            encoder.field(match.status.rawValue)
            encoder.field(match.method?.rawValue)
            encoder.field(match.patientID)
            encoder.field(match.candidatePatientIDs)
            encoder.field(match.status == .matched ? 1.0 : nil)
            if let violation = encoder.endRow(appendingHash: false) {
                throw DatabaseError(
                    .invalidInput, "a contact_matches row (\(match.contactID)) could not be written: \(violation)")
            }
        }
        try await connection.query(
            "CREATE TEMP TABLE IF NOT EXISTS staging_contact_matches (LIKE contact_matches INCLUDING DEFAULTS) ON COMMIT DROP",
            logger: logger
        )
        if encoder.rowCount > 0 {
            try await connection.copyRows(
                encoder.buffer, into: "staging_contact_matches",
                columns: [
                    "organization_id", "contact_id", "status", "method", "patient_id", "candidate_ids", "confidence",
                ],
                logger: logger)
        }
        try await connection.query(
            """
            DELETE FROM contact_matches t WHERE t.organization_id = \(organization)
              AND NOT EXISTS (SELECT 1 FROM staging_contact_matches s WHERE s.contact_id = t.contact_id)
            """,
            logger: logger
        )
        try await connection.query(
            """
            INSERT INTO contact_matches AS t (organization_id, contact_id, status, method, patient_id, candidate_ids, confidence)
            SELECT organization_id, contact_id, status, method, patient_id, candidate_ids, confidence FROM staging_contact_matches
            ON CONFLICT (organization_id, contact_id) DO UPDATE
            SET status = EXCLUDED.status, method = EXCLUDED.method, patient_id = EXCLUDED.patient_id,
                candidate_ids = EXCLUDED.candidate_ids, confidence = EXCLUDED.confidence, matched_at = now()
            WHERE (t.status, t.method, t.patient_id, t.candidate_ids)
                  IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.method, EXCLUDED.patient_id, EXCLUDED.candidate_ids)
            """,
            logger: logger
        )
        logger.debug("contacts matched", metadata: ["routiq.rows": "\(encoder.rowCount)"])
    }

    private func indexPatients(into matcher: inout ContactMatcher, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let rows = try await connection.query(
            """
            SELECT p.patient_id, p.email, p.merged_at, p.deleted_at,
                   coalesce(array_agg(f.e164 ORDER BY f.position) FILTER (WHERE f.e164 IS NOT NULL), '{}')
            FROM patients p
            LEFT JOIN patient_phones f ON f.organization_id = p.organization_id AND f.patient_id = p.patient_id
            WHERE p.organization_id = \(organization) AND p.removed_at IS NULL
            GROUP BY p.patient_id, p.email, p.merged_at, p.deleted_at
            """,
            logger: logger
        )
        let epoch = Date(timeIntervalSince1970: 0)
        for try await (id, email, mergedAt, deletedAt, numbers) in rows.decode(
            (String, String?, Date?, Date?, [String]).self)
        {
            let phones = numbers.map {
                PatientPhone(
                    number: $0, phoneType: "Mobile",
                    normalization: PhoneNormalization(e164: $0, type: .unknown, failureReason: nil))
            }
            matcher.insert(
                Patient(
                    id: id, firstName: "", lastName: "", email: email, phones: phones, mergedAt: mergedAt,
                    deletedAt: deletedAt,
                    createdAt: epoch, updatedAt: epoch
                )
            )
        }
    }
}
