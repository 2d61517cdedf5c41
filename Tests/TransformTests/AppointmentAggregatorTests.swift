import Foundation
import Pipeline
import Testing

@testable import Transform

@Suite("Appointment aggregation")
struct AppointmentAggregatorTests {
    /// Wednesday 7 October 2026, noon in Sydney: three days after clocks went forward.
    static let asOf = Clinic.local(2026, 10, 7, 12)

    static func aggregator(weeksBack: Int = 2, weeksAhead: Int = 1) -> AppointmentAggregator {
        AppointmentAggregator(
            asOf: asOf,
            timeZone: Clinic.sydney,
            configuration: .init(weeksBack: weeksBack, weeksAhead: weeksAhead)
        )
    }

    @Test("ISO weeks in local time across the DST change")
    func weeksAcrossDaylightSaving() throws {
        var aggregator = Self.aggregator()
        aggregator.add(
            PatientHistory(
                patient: Clinic.patient("p1"),
                appointments: [
                    Clinic.appointment(Clinic.local(2026, 9, 22, 9), .cancelled(hoursBefore: 48)),
                    Clinic.appointment(Clinic.local(2026, 9, 23, 9), .didNotArrive),
                    Clinic.appointment(Clinic.local(2026, 10, 4, 0, 30)),
                    Clinic.appointment(Clinic.local(2026, 10, 4, 23, 30)),
                    Clinic.appointment(Clinic.local(2026, 10, 5, 0, 0)),
                    Clinic.appointment(Clinic.local(2026, 10, 8, 9)),
                    Clinic.appointment(Clinic.local(2026, 10, 12, 0, 0)),
                    Clinic.appointment(Clinic.local(2026, 10, 19, 9)),
                    Clinic.appointment(Clinic.local(2026, 9, 30, 9), .archived),
                    Clinic.appointment(Clinic.local(2026, 8, 1, 9)),
                ]
            )
        )
        let weeks = aggregator.weeklyStatistics()
        #expect(weeks.map(\.weekStartDate) == ["2026-09-21", "2026-09-28", "2026-10-05", "2026-10-12"])
        #expect(weeks.map(\.isoWeek) == [39, 40, 41, 42])
        #expect(weeks.allSatisfy { $0.isoYear == 2026 })
        #expect(
            weeks.map(\.startsAt) == [
                Clinic.local(2026, 9, 21), Clinic.local(2026, 9, 28), Clinic.local(2026, 10, 5),
                Clinic.local(2026, 10, 12),
            ]
        )
        // The week of the DST change is one hour short.
        #expect(weeks[2].startsAt.timeIntervalSince(weeks[1].startsAt) == 167 * 3600)
        #expect(weeks.map(\.attendedCount) == [0, 2, 1, 0])
        #expect(weeks.map(\.cancelledCount) == [1, 0, 0, 0])
        #expect(weeks.map(\.didNotArriveCount) == [1, 0, 0, 0])
        #expect(weeks.map(\.bookedCount) == [0, 0, 1, 1])
    }

    @Test("Per-type figures accumulate across patients")
    func types() throws {
        var aggregator = Self.aggregator()
        aggregator.add(appointments: [
            Clinic.appointment(Clinic.local(2026, 9, 1, 9), type: "follow-up"),
            Clinic.appointment(Clinic.local(2026, 9, 8, 9), .didNotArrive, type: "follow-up"),
            Clinic.appointment(Clinic.local(2026, 10, 20, 9), type: "follow-up"),
            Clinic.appointment(Clinic.local(2026, 6, 1, 9), type: "initial"),
            Clinic.appointment(Clinic.local(2026, 9, 10, 9), .archived, type: "initial"),
        ])
        aggregator.add(appointments: [
            Clinic.appointment(Clinic.local(2026, 10, 1, 9), .cancelled(hoursBefore: 30), type: "follow-up"),
            Clinic.appointment(Clinic.local(2025, 1, 1, 9), type: nil),
        ])
        let types = aggregator.typeStatistics()
        #expect(types.map(\.appointmentTypeID) == ["follow-up", "", "initial"])
        let followUp = types[0]
        #expect(followUp.patientCount == 2)
        #expect(followUp.appointmentCount == 4)
        #expect(followUp.upcomingCount == 1)
        #expect(followUp.lookbackAttendedCount == 1)
        #expect(followUp.lookbackDidNotArriveCount == 1)
        #expect(followUp.lookbackCancelledCount == 1)
        #expect(followUp.shareOfAppointments == 4.0 / 6.0)
        // The latest attended one: not the did-not-arrive, the cancelled or the upcoming appointment.
        #expect(followUp.mostRecentVisitAt == Clinic.local(2026, 9, 1, 9))
        let initial = types[2]
        #expect(initial.patientCount == 1)
        #expect(initial.appointmentCount == 1)
        #expect(initial.lookbackAttendedCount == 0)
        #expect(initial.mostRecentVisitAt == Clinic.local(2026, 6, 1, 9), "attended, though before the window")
        #expect(abs(types.map(\.shareOfAppointments).reduce(0, +) - 1) < 1e-12)
    }

    @Test("Weeks across the ISO year boundary")
    func yearBoundary() {
        let aggregator = AppointmentAggregator(
            asOf: Clinic.local(2027, 1, 1, 12),
            timeZone: Clinic.sydney,
            configuration: .init(weeksBack: 1, weeksAhead: 1)
        )
        let weeks = aggregator.weeklyStatistics()
        #expect(weeks.map(\.weekStartDate) == ["2026-12-21", "2026-12-28", "2027-01-04"])
        #expect(weeks.map(\.isoWeek) == [52, 53, 1])
        #expect(weeks.map(\.isoYear) == [2026, 2026, 2027])
    }

    @Test("The default configuration reports 26 weeks back, the current week and 4 ahead")
    func defaults() {
        let aggregator = AppointmentAggregator(asOf: Self.asOf, timeZone: Clinic.sydney)
        let weeks = aggregator.weeklyStatistics()
        #expect(weeks.count == 31)
        #expect(weeks[26].weekStartDate == "2026-10-05")
        #expect(aggregator.typeStatistics().isEmpty)
    }
}
