import Foundation
import Pipeline

/// Builders for test records, in the clinic's local time.
enum Clinic {
    static let sydney = TimeZone(identifier: "Australia/Sydney")!

    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = sydney
        return calendar
    }

    /// A local wall-clock instant in Sydney.
    static func local(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> Date {
        calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }

    static func patient(
        _ id: String = "1300000000000000001",
        createdAt: Date = local(2024, 1, 1),
        email: String? = nil,
        phones: [String] = []
    ) -> Patient {
        Patient(
            id: id,
            firstName: "Test",
            lastName: "Patient",
            email: email,
            phones: phones.map { PatientPhone(number: $0, phoneType: "Mobile") },
            createdAt: createdAt,
            updatedAt: createdAt
        )
    }

    enum Kind {
        case attended, didNotArrive, archived, deleted
        case cancelled(hoursBefore: Double)
    }

    static func appointment(
        _ startsAt: Date,
        _ kind: Kind = .attended,
        type: String? = "follow-up",
        patientID: String = "1300000000000000001",
        id: String? = nil
    ) -> Appointment {
        var appointment = Appointment(
            id: id ?? UUID().uuidString,
            patientID: patientID,
            appointmentTypeID: type,
            startsAt: startsAt,
            endsAt: startsAt.addingTimeInterval(1800),
            createdAt: startsAt.addingTimeInterval(-86_400 * 7),
            updatedAt: startsAt
        )
        switch kind {
        case .attended: appointment.patientArrived = true
        case .didNotArrive: appointment.didNotArrive = true
        case .archived: appointment.archivedAt = startsAt
        case .deleted: appointment.deletedAt = startsAt
        case .cancelled(let hours):
            appointment.cancelledAt = startsAt.addingTimeInterval(-hours * 3600)
            appointment.cancellationReason = 10
        }
        return appointment
    }
}
