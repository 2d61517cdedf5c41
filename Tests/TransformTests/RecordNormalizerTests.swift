import Foundation
import Pipeline
import Testing

@testable import Transform

@Suite("Per-record transforms")
struct RecordNormalizerTests {
    @Test("Every phone of a patient is normalized; unreadable ones keep their reason")
    func patientPhones() throws {
        let patient = Clinic.patient(phones: ["61491570156", "n/a", "0491570156 / 02 5550 1234", "(02) 5550 1234"])
        let normalized = try RecordNormalizer().normalize(patient).get()
        let results = normalized.phones.map { $0.normalization }
        #expect(results[0] == PhoneNormalization(e164: "+61491570156", type: .mobile, failureReason: nil))
        #expect(results[1] == PhoneNormalization(e164: nil, type: .unknown, failureReason: "not_a_number"))
        #expect(results[2]?.failureReason == "multiple_numbers")
        #expect(results[3]?.e164 == "+61255501234")
        #expect(normalized.phones.map(\.number) == patient.phones.map(\.number))
    }

    @Test("The default region comes from the configuration")
    func region() throws {
        let normalizer = RecordNormalizer(configuration: .init(phoneNumbers: .init(defaultRegion: .newZealand)))
        let patient = try normalizer.normalize(Clinic.patient(phones: ["021 123 4567"])).get()
        #expect(patient.phones.first?.normalization?.e164 == "+64211234567")
    }

    @Test("Records without an id are rejected")
    func rejections() {
        #expect(throws: TransformRejection(code: .missingID, recordID: "")) {
            try RecordNormalizer().normalize(Clinic.patient("")).get()
        }
        #expect(throws: TransformRejection(code: .missingID, recordID: "")) {
            try RecordNormalizer().normalize(Contact(id: "")).get()
        }
        var appointment = Clinic.appointment(Clinic.local(2026, 4, 1, 9), id: "a1")
        appointment.endsAt = appointment.startsAt.addingTimeInterval(-60)
        #expect(throws: TransformRejection(code: .endsBeforeStart, recordID: "a1")) {
            try RecordNormalizer().normalize(appointment).get()
        }
        appointment.endsAt = appointment.startsAt
        appointment.patientID = ""
        #expect(throws: TransformRejection(code: .missingPatient, recordID: "a1")) {
            try RecordNormalizer().normalize(appointment).get()
        }
        #expect(
            TransformRejection(code: .missingPatient, recordID: "a1").description
                == "TransformRejection(missing_patient, id: a1)"
        )
    }

    @Test("Contacts get their phone normalized")
    func contact() throws {
        let contact = try RecordNormalizer().normalize(Contact(id: "c1", phoneNumber: "+61491570156")).get()
        #expect(contact.phoneNormalization?.e164 == "+61491570156")
        let noPhone = try RecordNormalizer().normalize(Contact(id: "c2")).get()
        #expect(noPhone.phoneNormalization == nil)
    }

    @Test("Only patient-facing messages count as contact")
    func messages() {
        let at = Date(timeIntervalSince1970: 0)
        #expect(Message(id: "1", conversationID: "1", messageType: 0, createdAt: at).isPatientFacing)
        #expect(Message(id: "1", conversationID: "1", messageType: 1, createdAt: at).isPatientFacing)
        #expect(Message(id: "1", conversationID: "1", messageType: 3, createdAt: at).isPatientFacing)
        #expect(!Message(id: "1", conversationID: "1", messageType: 2, createdAt: at).isPatientFacing)
        #expect(!Message(id: "1", conversationID: "1", messageType: 1, createdAt: at, isPrivate: true).isPatientFacing)
    }
}
