import Foundation
import Pipeline
import Testing

@testable import Transform

@Suite("Contact matching")
struct ContactMatcherTests {
    static let normalizer = RecordNormalizer()

    static func patient(_ id: String, email: String? = nil, phones: [String] = [], mergedAt: Date? = nil) -> Patient {
        var patient = Clinic.patient(id, email: email, phones: phones)
        patient.mergedAt = mergedAt
        guard case .success(let normalized) = normalizer.normalize(patient) else { return patient }
        return normalized
    }

    static func contact(
        _ id: String = "c1",
        phone: String? = nil,
        email: String? = nil,
        identifier: String? = nil,
        clinikoPatientID: String? = nil
    ) -> Contact {
        let contact = Contact(id: id, phoneNumber: phone, identifier: identifier, clinikoPatientID: clinikoPatientID)
        var withEmail = contact
        withEmail.email = email
        guard case .success(let normalized) = normalizer.normalize(withEmail) else { return withEmail }
        return normalized
    }

    static let patients = [
        patient("p1", email: "Jane.Citizen@Example.com", phones: ["0491 570 156"]),
        patient("p2", email: "sam@example.com", phones: ["61491570157", "(02) 5550 1234"]),
        // A family phone: parent and child on one mobile.
        patient("p3", email: "mum@example.com", phones: ["0491 570 158"]),
        patient("p4", email: "kid@example.com", phones: ["+61 491 570 158"]),
        // A shared e-mail.
        patient("p5", email: "family@example.com"),
        patient("p6", email: " FAMILY@example.com "),
        // Merged into p1: never a candidate.
        patient(
            "p7",
            email: "jane.citizen@example.com",
            phones: ["0491570156"],
            mergedAt: Date(timeIntervalSince1970: 0)
        ),
    ]
    static let matcher = ContactMatcher(patients: patients)

    @Test("By phone, whatever way the patient's number was written")
    func phone() {
        let match = Self.matcher.match(Self.contact(phone: "+61491570157"))
        #expect(match.status == .matched)
        #expect(match.patientID == "p2")
        #expect(match.method == .phone)
        #expect(match.candidatePatientIDs == ["p2"])
        #expect(Self.matcher.match(Self.contact(phone: "+61255501234")).patientID == "p2")
        #expect(Self.matcher.match(Self.contact(phone: "+61491570156")).patientID == "p1")
    }

    @Test("A contact phone not yet normalized is used when it is already E.164")
    func rawE164() {
        let contact = Contact(id: "c9", phoneNumber: " +61491570157 ")
        #expect(Self.matcher.match(contact).patientID == "p2")
        #expect(Self.matcher.match(Contact(id: "c9", phoneNumber: "0491 570 157")).status == .unmatched)
    }

    @Test("A family phone is ambiguous, with the candidates recorded")
    func sharedPhone() {
        let match = Self.matcher.match(Self.contact(phone: "+61491570158"))
        #expect(match.status == .ambiguous)
        #expect(match.patientID == nil)
        #expect(match.method == .phone)
        #expect(match.candidatePatientIDs == ["p3", "p4"])
    }

    @Test("A family phone is settled by the child's own e-mail")
    func sharedPhoneNarrowedByEmail() {
        let match = Self.matcher.match(Self.contact(phone: "+61491570158", email: "KID@example.com"))
        #expect(match.status == .matched)
        #expect(match.patientID == "p4")
        #expect(match.method == .email)
        #expect(match.candidatePatientIDs == ["p3", "p4"])
    }

    @Test("E-mail matches are trimmed and case-insensitive")
    func email() {
        let match = Self.matcher.match(Self.contact(email: "  jane.citizen@EXAMPLE.com\n"))
        #expect(match.status == .matched)
        #expect(match.patientID == "p1")
        #expect(match.method == .email)
    }

    @Test("A shared e-mail is ambiguous")
    func sharedEmail() {
        let match = Self.matcher.match(Self.contact(email: "family@example.com"))
        #expect(match.status == .ambiguous)
        #expect(match.candidatePatientIDs == ["p5", "p6"])
        #expect(match.method == .email)
    }

    @Test("By identifier or by the cliniko_patient_id custom attribute")
    func identifier() {
        let byIdentifier = Self.matcher.match(Self.contact(identifier: "p5"))
        #expect(byIdentifier.patientID == "p5")
        #expect(byIdentifier.method == .identifier)
        let byAttribute = Self.matcher.match(Self.contact(clinikoPatientID: " p6 "))
        #expect(byAttribute.patientID == "p6")
        #expect(byAttribute.method == .identifier)
        #expect(Self.matcher.match(Self.contact(identifier: "crm-123")).status == .unmatched)
        let both = Self.matcher.match(Self.contact(identifier: "p5", clinikoPatientID: "p6"))
        #expect(both.status == .ambiguous)
        #expect(both.candidatePatientIDs == ["p5", "p6"])
    }

    @Test("Conflicting signals: phone decides, the others are recorded")
    func conflictingSignals() {
        let match = Self.matcher.match(
            Self.contact(phone: "+61491570157", email: "jane.citizen@example.com", identifier: "p5")
        )
        #expect(match.status == .matched)
        #expect(match.patientID == "p2")
        #expect(match.method == .phone)
        #expect(match.conflictingPatientIDs == ["p1", "p5"])
        let agreeing = Self.matcher.match(Self.contact(phone: "+61491570157", email: "sam@example.com"))
        #expect(agreeing.conflictingPatientIDs.isEmpty)
    }

    @Test("A family phone with an unrelated e-mail stays ambiguous")
    func sharedPhoneWithOtherEmail() {
        let match = Self.matcher.match(Self.contact(phone: "+61491570158", email: "sam@example.com"))
        #expect(match.status == .ambiguous)
        #expect(match.candidatePatientIDs == ["p3", "p4"])
        #expect(match.conflictingPatientIDs == ["p2"])
    }

    @Test("Merged patients are never candidates")
    func merged() {
        let match = Self.matcher.match(Self.contact(phone: "+61491570156", email: "jane.citizen@example.com"))
        #expect(match.status == .matched)
        #expect(match.patientID == "p1")
        #expect(Self.matcher.match(Self.contact(identifier: "p7")).status == .unmatched)
    }

    @Test("No signal: unmatched")
    func unmatched() {
        let match = Self.matcher.match(Self.contact(phone: "+447400783999", email: "nobody@example.com"))
        #expect(match == ContactMatch(contactID: "c1", status: .unmatched))
        #expect(Self.matcher.match(Contact(id: "c2")).status == .unmatched)
    }

    @Test("The order of signals is configurable")
    func order() {
        let emailFirst = ContactMatcher(patients: Self.patients, configuration: .init(methods: [.email, .phone]))
        let match = emailFirst.match(Self.contact(phone: "+61491570157", email: "jane.citizen@example.com"))
        #expect(match.patientID == "p1")
        #expect(match.method == .email)
        let phoneOnly = ContactMatcher(patients: Self.patients, configuration: .init(methods: [.phone]))
        #expect(phoneOnly.match(Self.contact(email: "sam@example.com")).status == .unmatched)
    }

    @Test("Patients added one at a time give the same matches as the whole list at once")
    func insertedOneAtATime() {
        var incremental = ContactMatcher(patients: [])
        for patient in Self.patients { incremental.insert(patient) }
        let contacts = [
            Self.contact(phone: "+61491570157"), Self.contact(phone: "+61491570158"),
            Self.contact(phone: "+61491570158", email: "kid@example.com"), Self.contact(email: "family@example.com"),
            Self.contact(identifier: "p7"), Self.contact(identifier: "p3"), Self.contact(email: "nobody@example.com"),
        ]
        for contact in contacts {
            #expect(incremental.match(contact) == Self.matcher.match(contact))
        }
        #expect(incremental.match(contacts[1]).status == .ambiguous)
    }
}
