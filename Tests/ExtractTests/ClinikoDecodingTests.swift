import Foundation
import Pipeline
import Testing

@testable import Extract

@Suite struct ClinikoDecodingTests {
    /// Decodes `json` (an array of records) with `Payload`.
    static func page<Payload: RecordPayload>(_ payload: Payload.Type, _ json: String) throws -> SourcePage<
        Payload.Record
    > {
        let scanner = JSONScanner(bytes: Array(json.utf8))
        let elements = try #require(try scanner.elements(of: scanner.rootValue()))
        return PageDecoder(source: .cliniko, resource: "test").decode(
            Payload.self, elements: elements, in: scanner, pageNumber: 1)
    }

    static let patient = #"""
        {"id": "1390726237298631770", "first_name": "Jen", "last_name": "Citizen", "preferred_first_name": "",
         "title": "Ms", "sex": null, "email": "", "date_of_birth": "",
         "patient_phone_numbers": [{"phone_type": "Mobile", "number": "61491570156"},
                                   {"phone_type": "Home", "number": ""}],
         "archived_at": "", "deleted_at": null, "merged_at": "2025-03-02T01:02:03Z",
         "merged_with_patient": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/1390710863102485699"}},
         "created_at": "2025-03-01T09:00:00Z", "updated_at": "2025-03-02T01:02:03Z",
         "appointments": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/1390726237298631770/appointments"}},
         "links": {"self": "https://api.au4.cliniko.com/v1/patients/1390726237298631770"}}
        """#

    @Test func patientsKeepNineteenDigitIDsAndTreatEmptyStringsAsAbsent() throws {
        let page = try Self.page(ClinikoPatientPayload.self, "[\(Self.patient)]")
        #expect(page.rejections.isEmpty)
        let patient = try #require(page.records.first)
        #expect(patient.id == "1390726237298631770")
        #expect(patient.email == nil)
        #expect(patient.dateOfBirth == nil)
        #expect(patient.preferredFirstName == nil)
        #expect(patient.title == "Ms")
        #expect(patient.archivedAt == nil)
        #expect(patient.phones == [PatientPhone(number: "61491570156", phoneType: "Mobile")])
        #expect(patient.mergedIntoPatientID == "1390710863102485699")
        #expect(patient.mergedAt == Timestamp.parseISO8601("2025-03-02T01:02:03Z"))
        #expect(page.highWaterMark == Timestamp.parseISO8601("2025-03-02T01:02:03Z"))
    }

    @Test func legacyNumericIDsAreAcceptedAsText() throws {
        let json =
            #"[{"id": 1, "first_name": "A", "last_name": "B", "created_at": "2014-01-01T00:00:00Z", "updated_at": "2014-01-01T00:00:00Z"}]"#
        let page = try Self.page(ClinikoPatientPayload.self, json)
        #expect(page.records.map(\.id) == ["1"])
    }

    @Test func aBadRecordIsRejectedAndTheRestOfThePageDecodes() throws {
        let json = """
            [\(Self.patient),
             {"id": "1390726237298631771", "first_name": "No", "last_name": "Dates"},
             {"id": "1390726237298631772", "first_name": "Bad", "last_name": "Date", "created_at": "yesterday", "updated_at": "2025-01-01T00:00:00Z"},
             {"first_name": "No id", "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}]
            """
        let page = try Self.page(ClinikoPatientPayload.self, json)
        #expect(page.records.map(\.id) == ["1390726237298631770"])
        #expect(page.rejections.map(\.sourceID) == ["1390726237298631771", "1390726237298631772", nil])
        #expect(
            page.rejections.map(\.reason) == [
                "missing field `created_at`", "invalid timestamp in `created_at`", "missing field `id`",
            ])
        #expect(page.rejections[1].raw.contains("\"yesterday\""))
        #expect(page.rejections.allSatisfy { $0.source == .cliniko && $0.resource == "test" })
    }

    static let appointment = #"""
        {"id": "1390726237298631999", "starts_at": "2024-04-02T14:45:00Z", "ends_at": "2024-04-02T15:15:00Z",
         "created_at": "2024-03-01T00:00:00Z", "updated_at": "2024-04-01T00:00:00Z", "cancelled_at": "2024-04-01T00:00:00Z",
         "cancellation_reason": 50, "cancellation_note": "Called to cancel", "did_not_arrive": false,
         "patient_arrived": false, "archived_at": null, "deleted_at": "",
         "patient": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/1390710863102485699"}},
         "practitioner": {"links": {"self": "https://api.au4.cliniko.com/v1/practitioners/1300000000000000001"}},
         "appointment_type": {"links": {"self": "https://api.au4.cliniko.com/v1/appointment_types/1300000000000000002"}},
         "business": {"links": {"self": "https://api.au4.cliniko.com/v1/businesses/1300000000000000003"}},
         "repeated_from": null,
         "repeats": {"links": {"self": "https://api.au4.cliniko.com/v1/individual_appointments?q[]=repeated_from_id:=1390726237298631999"}},
         "links": {"self": "https://api.au4.cliniko.com/v1/individual_appointments/1390726237298631999"}}
        """#

    @Test func appointmentLinksResolveToIDs() throws {
        let page = try Self.page(ClinikoAppointmentPayload.self, "[\(Self.appointment)]")
        let appointment = try #require(page.records.first)
        #expect(appointment.patientID == "1390710863102485699")
        #expect(appointment.practitionerID == "1300000000000000001")
        #expect(appointment.appointmentTypeID == "1300000000000000002")
        #expect(appointment.businessID == "1300000000000000003")
        #expect(appointment.repeatedFromID == nil)
        #expect(appointment.cancellationReason == 50)
        #expect(appointment.cancellationNote == "Called to cancel")
        #expect(appointment.deletedAt == nil)
    }

    @Test func collectionLinksAreNotIDs() {
        #expect(LinkObject.trailingID(of: "https://x/v1/individual_appointments?q[]=repeated_from_id:=1") == nil)
        #expect(LinkObject.trailingID(of: "https://x/v1/practitioners?q%5B%5D=appointment_type_id%3A%3D1") == nil)
        #expect(LinkObject.trailingID(of: "https://x/v1/patients/12/appointments") == nil)
        #expect(LinkObject.trailingID(of: "https://x/v1/patients/1390710863102485699") == "1390710863102485699")
    }

    @Test func anAppointmentWithoutPatientIsRejected() throws {
        let json = Self.appointment.replacingOccurrences(
            of: #""patient": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/1390710863102485699"}},"#,
            with: "")
        let page = try Self.page(ClinikoAppointmentPayload.self, "[\(json)]")
        #expect(page.records.isEmpty)
        #expect(page.rejections.first?.reason == "missing field `patient`")
    }

    @Test func appointmentTypesPractitionersAndBusinessesDecode() throws {
        let types = try Self.page(
            ClinikoAppointmentTypePayload.self,
            #"[{"id": "5", "name": "Pilates", "category": "", "duration_in_minutes": 60, "max_attendees": 6, "telehealth_enabled": false, "archived_at": null, "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-02T00:00:00Z"}]"#
        )
        #expect(types.records.first?.maxAttendees == 6)
        #expect(types.records.first?.category == nil)
        let practitioners = try Self.page(
            ClinikoPractitionerPayload.self,
            #"[{"id": "6", "first_name": "Sam", "last_name": "Lee", "title": "Dr", "label": "Dr Sam Lee", "designation": "Osteopath", "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-02T00:00:00Z"}]"#
        )
        #expect(practitioners.records.first?.displayName == "Dr Sam Lee")
        let businesses = try Self.page(
            ClinikoBusinessPayload.self,
            #"[{"id": "7", "business_name": "Harbourside", "time_zone": "Sydney", "time_zone_identifier": "Australia/Sydney", "country_code": "AU", "archived_at": "", "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-02T00:00:00Z"}]"#
        )
        #expect(businesses.records.first?.timeZoneIdentifier == "Australia/Sydney")
        #expect(businesses.records.first?.archivedAt == nil)
    }
}
