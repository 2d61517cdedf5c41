public import Foundation
public import Pipeline

/// Aggregates appointments per appointment type and per ISO week while patients stream past.
///
/// Feed it every patient's appointments once (``add(_:)``), in any order, then read ``typeStatistics()`` and
/// ``weeklyStatistics()``. Memory is O(appointment types + weeks): nothing per patient or per appointment is
/// kept. Weeks are ISO weeks (Monday to Sunday) in the organization's time zone, so a week that contains a DST
/// change is 167 or 169 hours long and appointments at local midnight fall in the right week.
public struct AppointmentAggregator: Sendable {
    /// The aggregation settings.
    public struct Configuration: Sendable, Hashable {
        /// Full weeks before the current week to report. Defaults to 26.
        public var weeksBack: Int
        /// Weeks after the current week to report. Defaults to 4.
        public var weeksAhead: Int
        /// The look-back window, in calendar days, for the per-type attended, cancelled and did-not-arrive
        /// counts. Defaults to 90.
        public var attendanceWindowDays: Int
        /// How appointments are classified (the late-cancellation window, 24 hours by default).
        public var outcomes: AppointmentOutcomeClassifier.Configuration

        /// Creates a configuration; every parameter defaults to the value documented on its property.
        public init(
            weeksBack: Int = 26,
            weeksAhead: Int = 4,
            attendanceWindowDays: Int = 90,
            outcomes: AppointmentOutcomeClassifier.Configuration = .init()
        ) {
            self.weeksBack = weeksBack
            self.weeksAhead = weeksAhead
            self.attendanceWindowDays = attendanceWindowDays
            self.outcomes = outcomes
        }
    }

    /// The settings.
    public let configuration: Configuration
    /// The instant "now" stands for.
    public let asOf: Date

    private let classifier: AppointmentOutcomeClassifier
    private let lookbackWindowStart: Date
    /// Week start instants, oldest first, plus the end of the last week.
    private let weekBoundaries: [Date]
    /// The first local date of each reported week.
    private let weekStartDays: [Int]
    private var weeks: [WeekCounts]
    private var types: [String: TypeCounts] = [:]
    private var totalAppointments = 0

    private struct WeekCounts {
        var attended = 0
        var cancelled = 0
        var didNotArrive = 0
        var booked = 0
    }

    private struct TypeCounts {
        var patients = 0
        var appointments = 0
        var upcoming = 0
        var attended = 0
        var cancelled = 0
        var didNotArrive = 0
        var mostRecentVisit: Date?

        mutating func merge(_ other: TypeCounts) {
            if let visit = other.mostRecentVisit, visit > mostRecentVisit ?? .distantPast { mostRecentVisit = visit }
            patients += other.patients
            appointments += other.appointments
            upcoming += other.upcoming
            attended += other.attended
            cancelled += other.cancelled
            didNotArrive += other.didNotArrive
        }
    }

    /// Creates an empty aggregator.
    ///
    /// - Parameters:
    ///   - asOf: The instant "now" stands for.
    ///   - timeZone: The organization's time zone, in which weeks and days are counted.
    ///   - configuration: The settings; 26 weeks back, 4 ahead and a 90-day look-back by default.
    public init(asOf: Date, timeZone: TimeZone, configuration: Configuration = .init()) {
        self.configuration = configuration
        self.asOf = asOf
        self.classifier = AppointmentOutcomeClassifier(configuration: configuration.outcomes)
        let calendar = LocalCalendar(timeZone: timeZone)
        let today = calendar.dayNumber(of: asOf)
        self.lookbackWindowStart = calendar.startOfDay(dayNumber: today - configuration.attendanceWindowDays)
        let currentMonday = today - (CivilDate.isoWeekday(ofDayNumber: today) - 1)
        let firstMonday = currentMonday - 7 * max(0, configuration.weeksBack)
        let weekCount = max(0, configuration.weeksBack) + 1 + max(0, configuration.weeksAhead)
        let startDays = (0...weekCount).map { firstMonday + 7 * $0 }
        self.weekStartDays = Array(startDays.dropLast())
        self.weekBoundaries = startDays.map { calendar.startOfDay(dayNumber: $0) }
        self.weeks = Array(repeating: WeekCounts(), count: weekCount)
    }

    /// Adds one patient's appointments.
    ///
    /// - Parameter history: The patient and all their appointments; each patient must be added once.
    public mutating func add(_ history: PatientHistory) {
        add(appointments: history.appointments)
    }

    /// Adds one patient's appointments.
    ///
    /// - Parameter appointments: All appointments of one patient; each patient must be added once.
    public mutating func add(appointments: [Appointment]) {
        // Count per type locally (a patient has few types), then merge once per type.
        var typesOfPatient: [(id: String?, counts: TypeCounts)] = []
        // Indexing (rather than iterating) reads each appointment in place instead of copying it.
        for index in appointments.indices {
            let outcome = classifier.outcome(of: appointments[index], asOf: asOf)
            guard outcome != .archived else { continue }
            totalAppointments += 1
            let slot: Int
            if let existing = typesOfPatient.firstIndex(where: { $0.id == appointments[index].appointmentTypeID }) {
                slot = existing
            } else {
                typesOfPatient.append((appointments[index].appointmentTypeID, TypeCounts(patients: 1)))
                slot = typesOfPatient.count - 1
            }
            count(appointments[index], outcome: outcome, into: &typesOfPatient[slot].counts)
            if let week = weekIndex(of: appointments[index].startsAt) {
                switch outcome {
                case .attended: weeks[week].attended += 1
                case .cancelled, .lateCancelled: weeks[week].cancelled += 1
                case .didNotArrive: weeks[week].didNotArrive += 1
                case .upcoming: weeks[week].booked += 1
                case .archived: break
                }
            }
        }
        for (typeID, counts) in typesOfPatient {
            types[typeID ?? "", default: TypeCounts()].merge(counts)
        }
    }

    private func count(_ appointment: Appointment, outcome: AppointmentOutcome, into counts: inout TypeCounts) {
        let startsAt = appointment.startsAt
        let isInLookback = startsAt >= lookbackWindowStart && startsAt <= asOf
        counts.appointments += 1
        if outcome == .attended, startsAt > counts.mostRecentVisit ?? .distantPast { counts.mostRecentVisit = startsAt }
        switch outcome {
        case .upcoming:
            counts.upcoming += 1
        case .attended where isInLookback:
            counts.attended += 1
        case .didNotArrive where isInLookback:
            counts.didNotArrive += 1
        case .cancelled, .lateCancelled:
            // A cancellation counts in the window it was made in, as in scoring.
            if let cancelledAt = appointment.cancelledAt, cancelledAt >= lookbackWindowStart, cancelledAt <= asOf {
                counts.cancelled += 1
            }
        default:
            break
        }
    }

    /// The reported week an instant falls in, or `nil` outside the reported weeks.
    private func weekIndex(of date: Date) -> Int? {
        guard let first = weekBoundaries.first, let last = weekBoundaries.last, date >= first, date < last else {
            return nil
        }
        var low = 0
        var high = weekBoundaries.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if weekBoundaries[middle] <= date { low = middle } else { high = middle }
        }
        return low
    }

    /// The per-type figures, most appointments first (ties by type id).
    public func typeStatistics() -> [AppointmentTypeStatistics] {
        types.map { typeID, counts in
            AppointmentTypeStatistics(
                appointmentTypeID: typeID,
                patientCount: counts.patients,
                appointmentCount: counts.appointments,
                upcomingCount: counts.upcoming,
                lookbackAttendedCount: counts.attended,
                lookbackCancelledCount: counts.cancelled,
                lookbackDidNotArriveCount: counts.didNotArrive,
                shareOfAppointments: totalAppointments > 0
                    ? Double(counts.appointments) / Double(totalAppointments) : 0,
                mostRecentVisitAt: counts.mostRecentVisit
            )
        }
        .sorted { lhs, rhs in
            lhs.appointmentCount != rhs.appointmentCount
                ? lhs.appointmentCount > rhs.appointmentCount : lhs.appointmentTypeID < rhs.appointmentTypeID
        }
    }

    /// The per-week figures, oldest week first: ``Configuration/weeksBack`` weeks, the current week, then
    /// ``Configuration/weeksAhead`` weeks.
    public func weeklyStatistics() -> [WeeklyAppointmentStatistics] {
        weeks.indices.map { index in
            let startDay = weekStartDays[index]
            let isoWeek = CivilDate.isoWeek(ofDayNumber: startDay)
            let counts = weeks[index]
            return WeeklyAppointmentStatistics(
                isoYear: isoWeek.year,
                isoWeek: isoWeek.week,
                weekStartDate: CivilDate(dayNumber: startDay).description,
                startsAt: weekBoundaries[index],
                attendedCount: counts.attended,
                cancelledCount: counts.cancelled,
                didNotArriveCount: counts.didNotArrive,
                bookedCount: counts.booked
            )
        }
    }
}
