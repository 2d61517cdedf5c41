public import Foundation
public import Pipeline

/// Scores one patient at a time: visits, counts, attendance, last contact, activity status, engagement and
/// risk, as of one instant, with days counted in the organization's time zone.
///
/// The rules are those of `docs/scoring.md`, which this type and ``ActivityScorer+Rules.swift`` follow
/// section by section. The scorer keeps no state between patients: the runner streams patients past it in any
/// order, each with all their appointments, and memory stays O(one patient).
public struct ActivityScorer: Sendable {
    /// The scoring thresholds. Every window is a number of calendar days in the organization's time zone.
    public struct Configuration: Sendable, Hashable {
        /// An attended visit this many days ago or fewer is *recent*. Defaults to 30.
        public var recentDays: Int
        /// The look-back window for cancellations, did-not-arrive and the attendance rate. Defaults to 90.
        public var attendanceWindowDays: Int
        /// Engagement is *active* while the last contact is at most this many days ago. Defaults to 30.
        public var dormantAfterDays: Int
        /// A patient created this many days ago or fewer who never attended is *new*. Defaults to 30.
        public var newPatientDays: Int
        /// More days than this since the last contact is high risk. Defaults to 90.
        public var highRiskAfterDays: Int
        /// More days than this since the last contact is medium risk. Defaults to 30.
        public var mediumRiskAfterDays: Int
        /// An attendance rate below this, over at least ``highRiskMinimumBooked`` visits, is high risk.
        /// Defaults to 0.5.
        public var highRiskAttendanceRate: Double
        /// The visits (attended + missed) needed before ``highRiskAttendanceRate`` applies. Defaults to 4.
        public var highRiskMinimumBooked: Int
        /// An attendance rate below this, over at least ``mediumRiskMinimumBooked`` visits, is medium risk.
        /// Defaults to 0.7.
        public var mediumRiskAttendanceRate: Double
        /// The visits (attended + missed) needed before ``mediumRiskAttendanceRate`` applies. Defaults to 3.
        public var mediumRiskMinimumBooked: Int
        /// This many missed visits (did not arrive + late cancellations) in the look-back window is high risk.
        /// Defaults to 4.
        public var highRiskMissedCount: Int
        /// This many missed visits in the look-back window is medium risk. Defaults to 2.
        public var mediumRiskMissedCount: Int
        /// How appointments are classified (the late-cancellation window, 24 hours by default).
        public var outcomes: AppointmentOutcomeClassifier.Configuration
        /// The average fee of an attended visit, for ``PatientActivity/lifetimeValue``. Defaults to 0, which
        /// leaves the lifetime value out.
        public var averageFee: Double

        /// Creates a configuration; every parameter defaults to the value documented on its property.
        public init(
            recentDays: Int = 30,
            attendanceWindowDays: Int = 90,
            dormantAfterDays: Int = 30,
            newPatientDays: Int = 30,
            highRiskAfterDays: Int = 90,
            mediumRiskAfterDays: Int = 30,
            highRiskAttendanceRate: Double = 0.5,
            highRiskMinimumBooked: Int = 4,
            mediumRiskAttendanceRate: Double = 0.7,
            mediumRiskMinimumBooked: Int = 3,
            highRiskMissedCount: Int = 4,
            mediumRiskMissedCount: Int = 2,
            outcomes: AppointmentOutcomeClassifier.Configuration = .init(),
            averageFee: Double = 0
        ) {
            self.recentDays = recentDays
            self.attendanceWindowDays = attendanceWindowDays
            self.dormantAfterDays = dormantAfterDays
            self.newPatientDays = newPatientDays
            self.highRiskAfterDays = highRiskAfterDays
            self.mediumRiskAfterDays = mediumRiskAfterDays
            self.highRiskAttendanceRate = highRiskAttendanceRate
            self.highRiskMinimumBooked = highRiskMinimumBooked
            self.mediumRiskAttendanceRate = mediumRiskAttendanceRate
            self.mediumRiskMinimumBooked = mediumRiskMinimumBooked
            self.highRiskMissedCount = highRiskMissedCount
            self.mediumRiskMissedCount = mediumRiskMissedCount
            self.outcomes = outcomes
            self.averageFee = averageFee
        }
    }

    /// The thresholds.
    public let configuration: Configuration
    /// The instant "now" stands for.
    public let asOf: Date
    /// The organization's time zone, in which days are counted.
    public let timeZone: TimeZone

    let calendar: LocalCalendar
    let classifier: AppointmentOutcomeClassifier
    /// The local date of ``asOf``.
    let today: Int
    /// The first instant of the recent window (local midnight `recentDays` days before today).
    let recentWindowStart: Date
    /// The first instant of the look-back window.
    let lookbackWindowStart: Date
    /// Patients created at or after this instant are recent enough to be *new*.
    let newPatientWindowStart: Date

    /// Creates a scorer for one organization and one as-of instant.
    ///
    /// - Parameters:
    ///   - asOf: The instant "now" stands for: the run time, or a fixed instant for reproducible reports.
    ///   - timeZone: The organization's time zone.
    ///   - configuration: The thresholds; the documented defaults when omitted.
    public init(asOf: Date, timeZone: TimeZone, configuration: Configuration = .init()) {
        self.configuration = configuration
        self.asOf = asOf
        self.timeZone = timeZone
        self.calendar = LocalCalendar(timeZone: timeZone)
        self.classifier = AppointmentOutcomeClassifier(configuration: configuration.outcomes)
        let today = calendar.dayNumber(of: asOf)
        self.today = today
        self.recentWindowStart = calendar.startOfDay(dayNumber: today - configuration.recentDays)
        self.lookbackWindowStart = calendar.startOfDay(dayNumber: today - configuration.attendanceWindowDays)
        self.newPatientWindowStart = calendar.startOfDay(dayNumber: today - configuration.newPatientDays)
    }

    /// Scores one patient.
    ///
    /// - Parameter history: The patient, all their appointments and their latest matched message.
    /// - Returns: The patient's activity as of ``asOf``.
    public func score(_ history: PatientHistory) -> PatientActivity {
        let visits = tally(history.appointments)
        let lastMessageAt = history.lastMessageAt.flatMap { $0 <= asOf ? $0 : nil }
        let lastContactAt = latest(visits.lastVisitAt, lastMessageAt)
        let daysSinceLastContact = lastContactAt.map { today - calendar.dayNumber(of: $0) }
        let facts = Facts(
            visits: visits,
            daysSinceLastContact: daysSinceLastContact,
            isCreatedRecently: history.patient.createdAt >= newPatientWindowStart
        )
        let status = activityStatus(facts)
        let engagement = engagement(facts)
        let riskLevel = riskLevel(facts)
        let riskScore = riskScore(facts, engagement: engagement, riskLevel: riskLevel)
        let actionPriority = actionPriority(engagement: engagement, riskLevel: riskLevel)
        return PatientActivity(
            patientID: history.patient.id,
            asOf: asOf,
            firstVisitAt: visits.firstVisitAt,
            lastVisitAt: visits.lastVisitAt,
            nextVisitAt: visits.nextVisitAt,
            nextVisitAppointmentTypeID: visits.nextVisitAppointmentTypeID,
            recentAttendedCount: visits.recentAttended,
            lookbackAttendedCount: visits.lookbackAttended,
            totalAttendedCount: visits.totalAttended,
            upcomingCount: visits.upcoming,
            lookbackCancelledCount: visits.lookbackCancelled,
            lookbackLateCancelledCount: visits.lookbackLateCancelled,
            lookbackDidNotArriveCount: visits.lookbackDidNotArrive,
            attendanceRate: facts.attendanceRate,
            primaryAppointmentTypeID: visits.primaryAppointmentTypeID,
            lastMessageAt: lastMessageAt,
            lastContactAt: lastContactAt,
            daysSinceLastContact: daysSinceLastContact,
            daysUntilNextVisit: visits.nextVisitAt.map { calendar.dayNumber(of: $0) - today },
            status: status,
            engagement: engagement,
            riskLevel: riskLevel,
            riskScore: riskScore,
            actionPriority: actionPriority,
            recommendedAction: recommendedAction(engagement: engagement, riskLevel: riskLevel),
            lifetimeValue: configuration.averageFee > 0 ? Double(visits.totalAttended) * configuration.averageFee : nil
        )
    }

    private func latest(_ first: Date?, _ second: Date?) -> Date? {
        switch (first, second) {
        case (let first?, let second?): return max(first, second)
        case (let first?, nil): return first
        case (nil, let second?): return second
        case (nil, nil): return nil
        }
    }
}
