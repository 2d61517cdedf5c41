import Foundation
import Pipeline
import Testing

@testable import Transform

@Suite("Appointment outcomes")
struct AppointmentOutcomeClassifierTests {
    static let asOf = Clinic.local(2026, 4, 15, 12)
    static let classifier = AppointmentOutcomeClassifier()

    static func outcome(_ appointment: Appointment) -> AppointmentOutcome {
        classifier.outcome(of: appointment, asOf: asOf)
    }

    @Test("Every branch and boundary")
    func table() {
        let past = Clinic.local(2026, 4, 10, 9)
        let future = Clinic.local(2026, 4, 20, 9)
        #expect(Self.outcome(Clinic.appointment(past)) == .attended)
        #expect(Self.outcome(Clinic.appointment(future)) == .upcoming)
        #expect(Self.outcome(Clinic.appointment(past, .didNotArrive)) == .didNotArrive)
        #expect(Self.outcome(Clinic.appointment(past, .archived)) == .archived)
        #expect(Self.outcome(Clinic.appointment(future, .archived)) == .archived)
        #expect(Self.outcome(Clinic.appointment(past, .deleted)) == .archived)
        #expect(Self.outcome(Clinic.appointment(past, .cancelled(hoursBefore: 48))) == .cancelled)
        #expect(Self.outcome(Clinic.appointment(past, .cancelled(hoursBefore: 24))) == .cancelled)
        #expect(Self.outcome(Clinic.appointment(past, .cancelled(hoursBefore: 23.99))) == .lateCancelled)
        #expect(Self.outcome(Clinic.appointment(past, .cancelled(hoursBefore: 0))) == .lateCancelled)
        #expect(Self.outcome(Clinic.appointment(past, .cancelled(hoursBefore: -2))) == .lateCancelled)
        #expect(Self.outcome(Clinic.appointment(future, .cancelled(hoursBefore: 72))) == .cancelled)
        #expect(Self.outcome(Clinic.appointment(future, .cancelled(hoursBefore: 1))) == .lateCancelled)
    }

    @Test("An appointment starting exactly at as-of has happened; one a second later is upcoming")
    func asOfBoundary() {
        #expect(Self.outcome(Clinic.appointment(Self.asOf)) == .attended)
        #expect(Self.outcome(Clinic.appointment(Self.asOf.addingTimeInterval(1))) == .upcoming)
    }

    @Test("Archived beats cancelled, cancelled beats did-not-arrive")
    func precedence() {
        var appointment = Clinic.appointment(Clinic.local(2026, 4, 1), .cancelled(hoursBefore: 2))
        appointment.didNotArrive = true
        #expect(Self.outcome(appointment) == .lateCancelled)
        appointment.archivedAt = Self.asOf
        #expect(Self.outcome(appointment) == .archived)
    }

    @Test("The late-cancellation window is configurable")
    func configurableWindow() {
        let classifier = AppointmentOutcomeClassifier(configuration: .init(lateCancellationWindow: 48 * 3600))
        let appointment = Clinic.appointment(Clinic.local(2026, 4, 10, 9), .cancelled(hoursBefore: 36))
        #expect(classifier.outcome(of: appointment, asOf: Self.asOf) == .lateCancelled)
        #expect(Self.outcome(appointment) == .cancelled)
    }
}
