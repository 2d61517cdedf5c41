import Foundation

/// `patients.json` written as the rows arrive, so an organization's patients never have to be in memory at once:
/// the same bytes as `ReportJSON.encode(_:)` gives for a ``PatientActivityExport``, written with
/// ``PrettyJSONWriter`` in a fraction of `JSONEncoder`'s time (this document holds every patient, so it was most of
/// a report run's work).
///
/// Members are written in the order `JSONEncoder`'s sorted keys give (UTF-8 order of the ``CodingKeys``), and
/// optional values are left out when `nil`, as synthesized `Encodable` does. Call ``append(_:)`` per row in patient
/// order, ``drain(_:)`` whenever ``pendingByteCount`` has grown large, then ``finish()`` and a last ``drain(_:)``.
///
/// - Important: A property added to ``PatientActivityRow`` must be written here too; `PrettyJSONWriterTests`
///   fails until it is.
struct PatientActivityJSONStream {
    private var writer: PrettyJSONWriter
    private let schemaVersion: Int

    /// Starts the document: everything up to the first row.
    ///
    /// - Parameters:
    ///   - organizationID: The organization's Clerk id.
    ///   - asOf: The instant the activity was computed as of.
    ///   - schemaVersion: The document's `schema_version`.
    ///   - capacity: Bytes to reserve; the caller drains at about this size.
    init(organizationID: String, asOf: Date, schemaVersion: Int, capacity: Int = 1 << 16) {
        writer = PrettyJSONWriter(capacity: capacity)
        self.schemaVersion = schemaVersion
        writer.openObject()
        writer.member("as_of")
        writer.date(asOf)
        writer.member("organization_id")
        writer.string(organizationID)
        writer.member("patients")
        writer.openArray()
    }

    /// Bytes written and not yet drained.
    var pendingByteCount: Int { writer.bytes.count }

    /// Writes one patient.
    mutating func append(_ row: PatientActivityRow) {
        writer.element()
        row.write(to: &writer)
    }

    /// Ends the document.
    mutating func finish() {
        writer.closeArray()
        writer.member("schema_version")
        writer.int(schemaVersion)
        writer.closeObject()
        writer.finish()
    }

    /// Hands the bytes written since the last drain to `body`, then forgets them (keeping the buffer).
    mutating func drain(_ body: ([UInt8]) throws -> Void) rethrows {
        try body(writer.bytes)
        writer.removeAll()
    }
}

extension PatientActivityExport {
    /// The whole document in memory, as ``PatientActivityJSONStream`` writes it.
    func prettyJSON() -> Data {
        var stream = PatientActivityJSONStream(
            organizationID: organizationID, asOf: asOf, schemaVersion: schemaVersion,
            capacity: 256 + patients.count * 1_000)
        for patient in patients { stream.append(patient) }
        stream.finish()
        var data = Data()
        stream.drain { data = Data($0) }
        return data
    }
}

extension PatientActivityRow {
    /// Writes the row as one object of `patients.json`'s `patients` array.
    func write(to writer: inout PrettyJSONWriter) {
        writer.openObject()
        writer.member("action_priority")
        writer.int(actionPriority)
        writer.member("activity_status")
        writer.string(activityStatus)
        if let attendanceRate90d {
            writer.member("attendance_rate_90d")
            writer.double(attendanceRate90d)
        }
        writer.member("attended_90d")
        writer.int(attended90d)
        writer.member("attended_recent")
        writer.int(attendedRecent)
        writer.member("attended_total")
        writer.int(attendedTotal)
        writer.member("cancelled_90d")
        writer.int(cancelled90d)
        if let daysSinceLastContact {
            writer.member("days_since_last_contact")
            writer.int(daysSinceLastContact)
        }
        if let daysUntilNextVisit {
            writer.member("days_until_next_visit")
            writer.int(daysUntilNextVisit)
        }
        writer.member("did_not_arrive_90d")
        writer.int(didNotArrive90d)
        if let email {
            writer.member("email")
            writer.string(email)
        }
        writer.member("engagement")
        writer.string(engagement)
        if let firstVisitAt {
            writer.member("first_visit_at")
            writer.date(firstVisitAt)
        }
        if let lastContactAt {
            writer.member("last_contact_at")
            writer.date(lastContactAt)
        }
        if let lastMessageAt {
            writer.member("last_message_at")
            writer.date(lastMessageAt)
        }
        if let lastVisitAt {
            writer.member("last_visit_at")
            writer.date(lastVisitAt)
        }
        writer.member("late_cancelled_90d")
        writer.int(lateCancelled90d)
        if let lifetimeValue {
            writer.member("lifetime_value")
            writer.double(lifetimeValue)
        }
        writer.member("name")
        writer.string(name)
        if let nextAppointmentType {
            writer.member("next_appointment_type")
            writer.string(nextAppointmentType)
        }
        if let nextVisitAt {
            writer.member("next_visit_at")
            writer.date(nextVisitAt)
        }
        writer.member("patient_id")
        writer.string(patientID)
        if let phone {
            writer.member("phone")
            writer.string(phone)
        }
        if let primaryAppointmentType {
            writer.member("primary_appointment_type")
            writer.string(primaryAppointmentType)
        }
        writer.member("recommended_action")
        writer.string(recommendedAction)
        writer.member("risk_level")
        writer.string(riskLevel)
        writer.member("risk_score")
        writer.int(riskScore)
        writer.member("upcoming_count")
        writer.int(upcomingCount)
        writer.closeObject()
    }
}
