public import Logging
public import PostgresNIO

extension WarehouseLoader {
    /// Rewrites the phones of the patients staged in this run from their newest staged version, touching only rows
    /// that changed, and clears a primary phone that is no longer one of the patient's. Call after ``merge(_:on:logger:)``
    /// of ``WarehouseTable/patients``, in the final transaction.
    public func mergePatientPhones(on connection: PostgresConnection, logger: Logger) async throws {
        let (organization, run) = (organization, runID)
        try await connection.query(
            """
            DELETE FROM patient_phones t
            WHERE t.organization_id = \(organization)
              AND t.patient_id IN (SELECT patient_id FROM routiq_staging.patients
                                   WHERE organization_id = \(organization) AND run_id = \(run))
              AND NOT EXISTS (
                  SELECT 1 FROM routiq_staging.patient_phones s
                  WHERE s.organization_id = \(organization) AND s.run_id = \(run)
                    AND s.patient_id = t.patient_id AND s.position = t.position
                    AND s.version = (SELECT max(version) FROM routiq_staging.patient_phones v
                                     WHERE v.organization_id = \(organization) AND v.run_id = \(run)
                                       AND v.patient_id = s.patient_id)
              )
            """,
            logger: logger
        )
        try await connection.query(
            """
            INSERT INTO patient_phones AS t (organization_id, patient_id, position, raw_number, phone_type, e164, number_kind, normalization)
            SELECT DISTINCT ON (patient_id, position)
                   organization_id, patient_id, position, raw_number, phone_type, e164, number_kind, normalization
            FROM routiq_staging.patient_phones
            WHERE organization_id = \(organization) AND run_id = \(run)
            ORDER BY patient_id, position, version DESC
            ON CONFLICT (organization_id, patient_id, position) DO UPDATE
            SET raw_number = EXCLUDED.raw_number, phone_type = EXCLUDED.phone_type, e164 = EXCLUDED.e164,
                number_kind = EXCLUDED.number_kind, normalization = EXCLUDED.normalization
            WHERE (t.raw_number, t.phone_type, t.e164, t.number_kind, t.normalization)
                  IS DISTINCT FROM (EXCLUDED.raw_number, EXCLUDED.phone_type, EXCLUDED.e164, EXCLUDED.number_kind, EXCLUDED.normalization)
            """,
            logger: logger
        )
        try await connection.query(
            """
            UPDATE patients p SET primary_phone_e164 = NULL
            WHERE p.organization_id = \(organization) AND p.primary_phone_e164 IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM patient_phones f WHERE f.organization_id = p.organization_id
                              AND f.patient_id = p.patient_id AND f.e164 = p.primary_phone_e164)
              AND p.patient_id IN (SELECT patient_id FROM routiq_staging.patients
                                   WHERE organization_id = \(organization) AND run_id = \(run))
            """,
            logger: logger
        )
    }
}
