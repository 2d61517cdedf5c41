import Foundation
import Load
import Pipeline
import Testing

@Suite("Warehouse rows")
struct WarehouseRowTests {
    static let date = Date(timeIntervalSince1970: 1_772_323_200)

    static func fields(of row: some WarehouseRow) -> [String] {
        var encoder = CopyRowEncoder()
        row.encodeRow(organization: "org_a", into: &encoder)
        #expect(encoder.rowCount == 1)
        let text = String(decoding: encoder.buffer.readableBytesView, as: UTF8.self)
        #expect(text.hasSuffix("\n"))
        return text.dropLast().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }

    static let samples: [any WarehouseRow] = [
        Patient(
            id: "1300000000000000001", firstName: "Ann", lastName: "Lee",
            phones: [PatientPhone(number: "0491 570 156", phoneType: "Mobile")], createdAt: date, updatedAt: date
        ),
        Appointment(
            id: "1", patientID: "1300000000000000001", startsAt: date, endsAt: date, createdAt: date, updatedAt: date),
        AppointmentType(id: "1", name: "Initial", isTelehealthEnabled: false, createdAt: date, updatedAt: date),
        Practitioner(id: "1", firstName: "Sam", lastName: "Ng", isActive: true, createdAt: date, updatedAt: date),
        Business(id: "1", name: "Main", createdAt: date, updatedAt: date),
        Contact(id: "1", name: "Ann 🌸"),
        Conversation(id: "7", contactID: "1", status: "open", createdAt: date),
        Message(id: "9", conversationID: "7", messageType: 0, createdAt: date, isPrivate: false),
    ]

    @Test("every record encodes exactly its table's columns plus the content hash")
    func columnCounts() {
        for sample in Self.samples {
            let table = type(of: sample).warehouseTable
            let fields = Self.fields(of: sample)
            #expect(fields.count == table.columns.count + 1, "\(table.name)")
            #expect(fields.first == "org_a")
            #expect(fields.last?.count == 16, "\(table.name) content hash")
        }
    }

    @Test("a changed phone changes the patient's content hash; an identical record does not")
    func phonesInHash() {
        let base = Patient(
            id: "1", firstName: "A", lastName: "B", phones: [PatientPhone(number: "0491 570 156", phoneType: "Mobile")],
            createdAt: Self.date, updatedAt: Self.date
        )
        var changed = base
        changed.phones[0].number = "0491 570 157"
        #expect(Self.fields(of: base).last == Self.fields(of: base).last)
        #expect(Self.fields(of: base).last != Self.fields(of: changed).last)
    }

    @Test("Chatwoot message types map to the warehouse's names")
    func messageKinds() {
        let kinds = (0...3).map { type in
            Self.fields(
                of: Message(id: "1", conversationID: "1", messageType: type, createdAt: Self.date, isPrivate: false))[3]
        }
        #expect(kinds == ["incoming", "outgoing", "activity", "template"])
    }
}
