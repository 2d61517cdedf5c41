import Foundation
import Pipeline
import Testing

@testable import Transform

@Suite("Activity scoring")
struct ActivityScorerTests {
    /// Wednesday 15 April 2026, noon in Sydney (AEST, ten days after DST ended).
    static let asOf = Clinic.local(2026, 4, 15, 12)
    static let longAgo = Clinic.local(2024, 1, 1)

    static func score(
        _ appointments: [Appointment],
        lastMessageAt: Date? = nil,
        createdAt: Date = longAgo,
        asOf: Date = asOf,
        configuration: ActivityScorer.Configuration = .init()
    ) -> PatientActivity {
        let scorer = ActivityScorer(asOf: asOf, timeZone: Clinic.sydney, configuration: configuration)
        return scorer.score(
            PatientHistory(
                patient: Clinic.patient(createdAt: createdAt),
                appointments: appointments,
                lastMessageAt: lastMessageAt
            )
        )
    }

    @Test("A visit exactly 30 local days ago is recent; one a minute earlier is not")
    func exactlyThirtyDays() {
        let onTheBoundary = Self.score([Clinic.appointment(Clinic.local(2026, 3, 16, 0, 0))])
        #expect(onTheBoundary.recentAttendedCount == 1)
        #expect(onTheBoundary.daysSinceLastContact == 30)
        #expect(onTheBoundary.status == .recentlyActive)
        #expect(onTheBoundary.engagement == .active)
        #expect(onTheBoundary.riskLevel == .low)
        #expect(onTheBoundary.riskScore == 25)
        #expect(onTheBoundary.actionPriority == 4)
        #expect(onTheBoundary.recommendedAction == "Maintain current care plan")

        let justBefore = Self.score([Clinic.appointment(Clinic.local(2026, 3, 15, 23, 59))])
        #expect(justBefore.recentAttendedCount == 0)
        #expect(justBefore.daysSinceLastContact == 31)
        #expect(justBefore.status == .lapsed)
        #expect(justBefore.engagement == .dormant)
        #expect(justBefore.riskLevel == .medium)
        #expect(justBefore.riskScore == 45 + 20 + 0 + 5)
        #expect(justBefore.actionPriority == 2)
        #expect(justBefore.recommendedAction == "Re-engage")
    }

    @Test("Days are counted in local dates on and across DST change days")
    func daylightSaving() {
        // 4 October 2026: clocks go forward in Sydney; the day has 23 hours.
        let asOf = Clinic.local(2026, 10, 4, 12)
        let thirtyDays = Self.score([Clinic.appointment(Clinic.local(2026, 9, 4, 0, 0))], asOf: asOf)
        #expect(thirtyDays.daysSinceLastContact == 30)
        #expect(thirtyDays.recentAttendedCount == 1)
        let sameDay = Self.score([Clinic.appointment(Clinic.local(2026, 10, 4, 0, 30))], asOf: asOf)
        #expect(sameDay.daysSinceLastContact == 0)
        let dayBefore = Self.score([Clinic.appointment(Clinic.local(2026, 10, 3, 23, 30))], asOf: asOf)
        #expect(dayBefore.daysSinceLastContact == 1)
        // 5 April 2026: clocks go back; the day has 25 hours.
        let afterFallBack = Self.score(
            [Clinic.appointment(Clinic.local(2026, 4, 5, 0, 0))],
            asOf: Clinic.local(2026, 4, 6, 0, 0)
        )
        #expect(afterFallBack.daysSinceLastContact == 1)
        let upcoming = Self.score([Clinic.appointment(Clinic.local(2026, 10, 5, 0, 0))], asOf: asOf)
        #expect(upcoming.daysUntilNextVisit == 1)
    }

    @Test("Appointments at local midnight fall on their own day")
    func midnight() {
        let today = Self.score([Clinic.appointment(Clinic.local(2026, 4, 15, 0, 0))])
        #expect(today.daysSinceLastContact == 0)
        #expect(today.lastVisitAt == Clinic.local(2026, 4, 15))
        let tomorrow = Self.score([Clinic.appointment(Clinic.local(2026, 4, 16, 0, 0))])
        #expect(tomorrow.upcomingCount == 1)
        #expect(tomorrow.daysUntilNextVisit == 1)
        #expect(tomorrow.lastVisitAt == nil)
    }

    @Test("Activity status: every branch")
    func activityStatus() {
        let recent = Clinic.appointment(Clinic.local(2026, 4, 1, 9))
        let upcoming = Clinic.appointment(Clinic.local(2026, 4, 20, 9))
        let old = Clinic.appointment(Clinic.local(2025, 1, 10, 9))
        #expect(Self.score([recent, upcoming]).status == .active)
        #expect(Self.score([recent]).status == .recentlyActive)
        #expect(Self.score([upcoming]).status == .upcomingOnly)
        #expect(Self.score([old, upcoming]).status == .upcomingOnly)
        #expect(Self.score([old]).status == .lapsed)
        #expect(Self.score([], createdAt: Clinic.local(2026, 4, 1)).status == .new)
        #expect(Self.score([], createdAt: Clinic.local(2026, 3, 16, 0, 0)).status == .new)
        #expect(Self.score([], createdAt: Clinic.local(2026, 3, 15, 23, 59)).status == .neverSeen)
        #expect(Self.score([]).status == .neverSeen)
        #expect(Self.score([Clinic.appointment(Clinic.local(2026, 4, 1), .didNotArrive)]).status == .neverSeen)
    }

    @Test("Visits: last visit is never in the future and counts are all-time, not a window")
    func visitsAndCounts() {
        let activity = Self.score([
            Clinic.appointment(Clinic.local(2019, 5, 1, 9)),
            Clinic.appointment(Clinic.local(2025, 6, 1, 9)),
            Clinic.appointment(Clinic.local(2026, 2, 1, 9)),
            Clinic.appointment(Clinic.local(2026, 4, 10, 9)),
            Clinic.appointment(Clinic.local(2026, 5, 1, 9), type: "initial"),
            Clinic.appointment(Clinic.local(2026, 4, 22, 9), type: "massage"),
            Clinic.appointment(Clinic.local(2026, 6, 1, 9), .archived),
        ])
        #expect(activity.totalAttendedCount == 4)
        #expect(activity.lookbackAttendedCount == 2)
        #expect(activity.recentAttendedCount == 1)
        #expect(activity.upcomingCount == 2)
        #expect(activity.firstVisitAt == Clinic.local(2019, 5, 1, 9))
        #expect(activity.lastVisitAt == Clinic.local(2026, 4, 10, 9))
        #expect(activity.nextVisitAt == Clinic.local(2026, 4, 22, 9))
        #expect(activity.nextVisitAppointmentTypeID == "massage")
        #expect(activity.daysUntilNextVisit == 7)
        #expect(activity.lastContactAt == Clinic.local(2026, 4, 10, 9))
    }

    @Test("Attendance rate comes from real outcomes; plain cancellations are not missed visits")
    func attendanceRate() {
        let activity = Self.score([
            Clinic.appointment(Clinic.local(2026, 4, 1, 9)),
            Clinic.appointment(Clinic.local(2026, 3, 20, 9)),
            Clinic.appointment(Clinic.local(2026, 3, 1, 9)),
            Clinic.appointment(Clinic.local(2026, 2, 20, 9), .didNotArrive),
            Clinic.appointment(Clinic.local(2026, 2, 10, 9), .cancelled(hoursBefore: 3)),
            Clinic.appointment(Clinic.local(2026, 2, 5, 9), .cancelled(hoursBefore: 48)),
            Clinic.appointment(Clinic.local(2025, 12, 1, 9), .didNotArrive),
        ])
        #expect(activity.attendanceRate == 3.0 / 5.0)
        #expect(activity.lookbackDidNotArriveCount == 1)
        #expect(activity.lookbackLateCancelledCount == 1)
        #expect(activity.lookbackCancelledCount == 2)
        #expect(activity.riskLevel == .medium)
        #expect(activity.engagement == .active)
        #expect(activity.riskScore == 25 + 20 + 2)
        #expect(activity.actionPriority == 3)
        #expect(activity.recommendedAction == "Check in")
        #expect(Self.score([]).attendanceRate == nil)
        #expect(Self.score([Clinic.appointment(Clinic.local(2026, 4, 1, 9))]).attendanceRate == 1)
    }

    @Test("A cancellation counts in the window it was made in")
    func cancellationWindow() {
        // Due in the future, cancelled late yesterday: a missed visit now.
        let future = Self.score([Clinic.appointment(Clinic.local(2026, 4, 15, 18), .cancelled(hoursBefore: 20))])
        #expect(future.lookbackLateCancelledCount == 1)
        #expect(future.upcomingCount == 0)
        // Cancelled before the look-back window opened: not counted.
        let old = Self.score([Clinic.appointment(Clinic.local(2026, 1, 20, 9), .cancelled(hoursBefore: 24 * 10))])
        #expect(old.lookbackCancelledCount == 0)
    }

    @Test("High risk from poor attendance while engaged")
    func poorAttendance() {
        let activity = Self.score([
            Clinic.appointment(Clinic.local(2026, 4, 10, 9)),
            Clinic.appointment(Clinic.local(2026, 3, 10, 9), .didNotArrive),
            Clinic.appointment(Clinic.local(2026, 3, 3, 9), .didNotArrive),
            Clinic.appointment(Clinic.local(2026, 2, 24, 9), .didNotArrive),
        ])
        #expect(activity.attendanceRate == 0.25)
        #expect(activity.riskLevel == .high)
        #expect(activity.engagement == .active)
        #expect(activity.riskScore == 25 + 35 + 3)
        #expect(activity.actionPriority == 2)
        #expect(activity.recommendedAction == "Address adherence while engaged")
        // Two booked visits are too few for either attendance rule.
        let two = Self.score([
            Clinic.appointment(Clinic.local(2026, 4, 10, 9)),
            Clinic.appointment(Clinic.local(2026, 3, 10, 9), .didNotArrive),
        ])
        #expect(two.attendanceRate == 0.5)
        #expect(two.riskLevel == .low)
        // Three booked visits with a rate under 0.7 are medium risk, even with a single miss.
        let three = Self.score([
            Clinic.appointment(Clinic.local(2026, 4, 10, 9)),
            Clinic.appointment(Clinic.local(2026, 4, 3, 9)),
            Clinic.appointment(Clinic.local(2026, 3, 10, 9), .didNotArrive),
        ])
        #expect(three.riskLevel == .medium)
    }

    @Test("Missed visits: 2 is medium, 4 is high, and the score adds at most 5")
    func missedVisits() {
        let attended = (1...6).map { Clinic.appointment(Clinic.local(2026, 4, $0, 9)) }
        let dna = (1...6).map { Clinic.appointment(Clinic.local(2026, 3, $0, 9), .didNotArrive) }
        #expect(Self.score(attended + dna.prefix(1)).riskLevel == .low)
        #expect(Self.score(attended + dna.prefix(2)).riskLevel == .medium)
        #expect(Self.score(attended + dna.prefix(3)).riskLevel == .medium)
        #expect(Self.score(attended + dna.prefix(4)).riskLevel == .high)
        let six = Self.score(attended + dna)
        #expect(six.riskLevel == .high)
        #expect(six.riskScore == 25 + 35 + 5)
    }

    @Test("Silence: more than 90 days is high, 31 to 90 is medium")
    func silence() {
        let ninetyOne = Self.score([Clinic.appointment(Clinic.local(2026, 1, 14, 9))])
        #expect(ninetyOne.daysSinceLastContact == 91)
        #expect(ninetyOne.riskLevel == .high)
        #expect(ninetyOne.engagement == .dormant)
        #expect(ninetyOne.riskScore == 45 + 35 + 0 + 5)
        #expect(ninetyOne.actionPriority == 1)
        #expect(ninetyOne.recommendedAction == "Call now: high-risk dormant patient")
        let ninety = Self.score([Clinic.appointment(Clinic.local(2026, 1, 15, 9))])
        #expect(ninety.daysSinceLastContact == 90)
        #expect(ninety.riskLevel == .medium)
        #expect(ninety.actionPriority == 2)
    }

    @Test("An upcoming visit means low risk, whatever the history")
    func upcomingMeansLowRisk() {
        let dna = (1...5).map { Clinic.appointment(Clinic.local(2026, 3, $0, 9), .didNotArrive) }
        let activity = Self.score(dna + [Clinic.appointment(Clinic.local(2026, 5, 1, 9))])
        #expect(activity.riskLevel == .low)
        #expect(activity.engagement == .active)
        #expect(activity.riskScore == 25 + 0 + 5 + 0)
        #expect(activity.actionPriority == 4)
    }

    @Test("Messages in matched conversations are contact; future ones are ignored")
    func messages() {
        let old = Clinic.appointment(Clinic.local(2025, 9, 1, 9))
        let messaged = Self.score([old], lastMessageAt: Clinic.local(2026, 4, 5, 15))
        #expect(messaged.lastContactAt == Clinic.local(2026, 4, 5, 15))
        #expect(messaged.daysSinceLastContact == 10)
        #expect(messaged.engagement == .active)
        #expect(messaged.status == .lapsed)
        #expect(messaged.riskLevel == .low)
        let future = Self.score([old], lastMessageAt: Clinic.local(2026, 5, 1))
        #expect(future.lastMessageAt == nil)
        #expect(future.lastContactAt == old.startsAt)
        let onlyMessage = Self.score([], lastMessageAt: Clinic.local(2026, 1, 1))
        #expect(onlyMessage.engagement == .dormant)
        #expect(onlyMessage.riskLevel == .high)
    }

    @Test("Never in touch: stale, with priority by missed visits")
    func stale() {
        let nothing = Self.score([], createdAt: Clinic.local(2026, 4, 1))
        #expect(nothing.engagement == .stale)
        #expect(nothing.riskLevel == .low)
        #expect(nothing.riskScore == 15 + 0 + 0 + 5)
        #expect(nothing.actionPriority == 4)
        #expect(nothing.recommendedAction == "Schedule initial consultation")
        let twoMissed = Self.score((1...2).map { Clinic.appointment(Clinic.local(2026, 3, $0, 9), .didNotArrive) })
        #expect(twoMissed.engagement == .stale)
        #expect(twoMissed.riskLevel == .medium)
        #expect(twoMissed.riskScore == 15 + 20 + 2 + 5)
        #expect(twoMissed.actionPriority == 2)
        #expect(twoMissed.recommendedAction == "Schedule initial consultation")
        let fourMissed = Self.score((1...4).map { Clinic.appointment(Clinic.local(2026, 3, $0, 9), .didNotArrive) })
        #expect(fourMissed.riskLevel == .high)
        #expect(fourMissed.riskScore == 15 + 35 + 4 + 5)
        #expect(fourMissed.actionPriority == 1)
        #expect(fourMissed.recommendedAction == "Call now: missed visits and never attended")
    }

    @Test("Primary type is the most attended, ties going to the most recent")
    func primaryType() {
        let tie = Self.score([
            Clinic.appointment(Clinic.local(2025, 1, 1, 9), type: "massage"),
            Clinic.appointment(Clinic.local(2025, 2, 1, 9), type: "massage"),
            Clinic.appointment(Clinic.local(2025, 3, 1, 9), type: "follow-up"),
            Clinic.appointment(Clinic.local(2025, 4, 1, 9), type: "follow-up"),
            Clinic.appointment(Clinic.local(2025, 5, 1, 9), .didNotArrive, type: "initial"),
            Clinic.appointment(Clinic.local(2025, 5, 2, 9), .didNotArrive, type: "initial"),
            Clinic.appointment(Clinic.local(2025, 5, 3, 9), .didNotArrive, type: "initial"),
        ])
        #expect(tie.primaryAppointmentTypeID == "follow-up")
        #expect(Self.score([]).primaryAppointmentTypeID == nil)
    }

    @Test("Archived and deleted appointments count for nothing")
    func archived() {
        let activity = Self.score([
            Clinic.appointment(Clinic.local(2026, 4, 1, 9), .archived),
            Clinic.appointment(Clinic.local(2026, 5, 1, 9), .archived),
            Clinic.appointment(Clinic.local(2026, 3, 1, 9), .deleted),
        ])
        #expect(activity.totalAttendedCount == 0)
        #expect(activity.upcomingCount == 0)
        #expect(activity.status == .neverSeen)
    }

    @Test("Windows come from the configuration")
    func configuration() {
        let visit = [Clinic.appointment(Clinic.local(2026, 4, 1, 9))]
        let configuration = ActivityScorer.Configuration(recentDays: 7, dormantAfterDays: 7, mediumRiskAfterDays: 10)
        let activity = Self.score(visit, configuration: configuration)
        #expect(activity.status == .lapsed)
        #expect(activity.engagement == .dormant)
        #expect(activity.riskLevel == .medium)
        #expect(Self.score(visit).status == .recentlyActive)
    }

    @Test("Lifetime value is attended visits times the configured fee, and absent without a fee")
    func lifetimeValue() {
        let visits = [
            Clinic.appointment(Clinic.local(2025, 4, 1, 9)),
            Clinic.appointment(Clinic.local(2026, 4, 1, 9)),
            Clinic.appointment(Clinic.local(2026, 4, 2, 9), .didNotArrive),
            Clinic.appointment(Clinic.local(2026, 5, 1, 9)),
        ]
        #expect(Self.score(visits, configuration: .init(averageFee: 140)).lifetimeValue == 280)
        #expect(Self.score(visits).lifetimeValue == nil)
    }

    @Test("The as-of instant and patient id are recorded")
    func identity() {
        let activity = Self.score([])
        #expect(activity.asOf == Self.asOf)
        #expect(activity.patientID == "1300000000000000001")
    }
}
