import Foundation
import Pipeline

extension ActivityScorer {
    /// A patient's appointments counted by outcome and window (`docs/scoring.md`, "Visits and counts").
    struct Visits {
        var firstVisitAt: Date?
        var lastVisitAt: Date?
        var nextVisitAt: Date?
        var nextVisitAppointmentTypeID: String?
        var totalAttended = 0
        var recentAttended = 0
        var lookbackAttended = 0
        var upcoming = 0
        var lookbackCancelled = 0
        var lookbackLateCancelled = 0
        var lookbackDidNotArrive = 0
        var primaryAppointmentTypeID: String?

        /// Missed visits: did not arrive plus late cancellations, in the look-back window.
        var lookbackMissed: Int { lookbackDidNotArrive + lookbackLateCancelled }
        /// Visits that were due in the look-back window and not cancelled in good time.
        var lookbackBooked: Int { lookbackAttended + lookbackMissed }
    }

    /// Counts one patient's appointments in a single pass.
    func tally(_ appointments: [Appointment]) -> Visits {
        var visits = Visits()
        // Attended visits per appointment type, for the primary type; patients have few types.
        var typeCounts: [(id: String, count: Int, lastAt: Date)] = []
        // Indexing (rather than iterating) reads each appointment in place instead of copying it.
        for index in appointments.indices {
            let outcome = classifier.outcome(of: appointments[index], asOf: asOf)
            switch outcome {
            case .archived:
                continue
            case .attended:
                let startsAt = appointments[index].startsAt
                visits.totalAttended += 1
                if visits.firstVisitAt.map({ startsAt < $0 }) ?? true { visits.firstVisitAt = startsAt }
                if visits.lastVisitAt.map({ startsAt > $0 }) ?? true { visits.lastVisitAt = startsAt }
                if startsAt >= recentWindowStart { visits.recentAttended += 1 }
                if startsAt >= lookbackWindowStart { visits.lookbackAttended += 1 }
                if let typeID = appointments[index].appointmentTypeID {
                    if let index = typeCounts.firstIndex(where: { $0.id == typeID }) {
                        typeCounts[index].count += 1
                        typeCounts[index].lastAt = max(typeCounts[index].lastAt, startsAt)
                    } else {
                        typeCounts.append((typeID, 1, startsAt))
                    }
                }
            case .upcoming:
                visits.upcoming += 1
                if visits.nextVisitAt.map({ appointments[index].startsAt < $0 }) ?? true {
                    visits.nextVisitAt = appointments[index].startsAt
                    visits.nextVisitAppointmentTypeID = appointments[index].appointmentTypeID
                }
            case .cancelled, .lateCancelled:
                // A cancellation counts in the window it was made in.
                guard let cancelledAt = appointments[index].cancelledAt,
                    cancelledAt >= lookbackWindowStart, cancelledAt <= asOf
                else { continue }
                visits.lookbackCancelled += 1
                if outcome == .lateCancelled { visits.lookbackLateCancelled += 1 }
            case .didNotArrive:
                if appointments[index].startsAt >= lookbackWindowStart, appointments[index].startsAt <= asOf {
                    visits.lookbackDidNotArrive += 1
                }
            }
        }
        // The most attended type; ties go to the most recently attended, then to the smallest id.
        visits.primaryAppointmentTypeID =
            typeCounts.max { lhs, rhs in
                if lhs.count != rhs.count { return lhs.count < rhs.count }
                if lhs.lastAt != rhs.lastAt { return lhs.lastAt < rhs.lastAt }
                return lhs.id > rhs.id
            }?.id
        return visits
    }
}
