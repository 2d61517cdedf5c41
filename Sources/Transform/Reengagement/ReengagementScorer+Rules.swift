import Foundation
import Pipeline

extension ReengagementScorer {
    /// What the re-engagement rules look at (`docs/scoring.md`, "Re-engagement priorities").
    struct Situation {
        var activity: PatientActivity
        var rhythm: ActivityScorer.Rhythm
        var probabilityAlive: Double
    }

    /// Whether a patient's rhythm makes them a call-list candidate before the fit is known: a regular with nothing
    /// booked who is overdue by their own rhythm.
    func isOverdueRegular(_ rhythm: ActivityScorer.Rhythm, upcoming: Int) -> Bool {
        Self.isOverdueRegular(rhythm, upcoming: upcoming, configuration: configuration)
    }

    static func isOverdueRegular(_ rhythm: ActivityScorer.Rhythm, upcoming: Int, configuration: Configuration)
        -> Bool
    {
        guard upcoming == 0, rhythm.days.count >= configuration.minimumRegularVisits,
            let ratio = rhythm.overdueRatio
        else { return false }
        return ratio >= configuration.overdueRatio
    }

    /// What a call to a patient with this pattern is worth: probability alive × expected visits in the horizon ×
    /// the average fee (1 when no fee is configured, so the ranking is by visits).
    static func callValue(_ pattern: VisitPattern, model: BetaGeometricModel, configuration: Configuration, fee: Double)
        -> Double
    {
        let expected = model.expectedVisits(in: Double(configuration.horizonDays), after: pattern) ?? 0
        return model.probabilityAlive(pattern) * max(0, expected) * (fee > 0 ? fee : 1)
    }

    /// Sets engagement, risk, priority, action and, for listed patients, the call rank and reason.
    func apply(_ situation: Situation, to activity: inout PatientActivity, pattern: VisitPattern) {
        let adherence = rules.meetsHighRiskConditions(adherenceOnly(situation.activity))
        let overdueRegular = isOverdueRegular(situation.rhythm, upcoming: situation.activity.upcomingCount)
        let alive = situation.probabilityAlive
        activity.riskScore = activity.upcomingCount > 0 ? 0 : Int((100 * (1 - alive)).rounded())
        if activity.upcomingCount > 0 || isWithinRhythm(situation) {
            activity.engagement = .active
            activity.riskLevel = adherence ? .medium : .low
            activity.actionPriority = adherence ? 3 : 4
            activity.recommendedAction = adherence ? "Address adherence while engaged" : "Maintain current care plan"
        } else if overdueRegular, alive >= configuration.likelyAliveProbability {
            activity.engagement = .dormant
            activity.riskLevel = .high
            if let rank = callRanks[pattern] {
                activity.actionPriority = 1
                activity.recommendedAction = "Call now: overdue regular, likely still a patient"
                activity.callRank = rank
                activity.callReason = reason(situation)
            } else {
                activity.actionPriority = 2
                activity.recommendedAction = "Call when the list allows: overdue regular"
            }
        } else if situation.rhythm.days.count < configuration.minimumRegularVisits {
            activity.engagement = .dormant
            activity.riskLevel = .low
            activity.actionPriority = 4
            activity.recommendedAction = "Short course finished: no call"
        } else if alive < configuration.lostBelowProbability {
            activity.engagement = .stale
            activity.riskLevel = .low
            activity.actionPriority = 4
            activity.recommendedAction = "Likely lost: no call"
        } else {
            activity.engagement = .dormant
            activity.riskLevel = .medium
            activity.actionPriority = 3
            activity.recommendedAction = "Re-engage: send a reminder"
        }
    }

    /// Not yet overdue: within the overdue ratio of their own rhythm, or, without a rhythm (one visit day), seen
    /// within the dormancy window.
    private func isWithinRhythm(_ situation: Situation) -> Bool {
        if let ratio = situation.rhythm.overdueRatio { return ratio < configuration.overdueRatio }
        guard let since = situation.rhythm.daysSinceLastVisit else { return false }
        return since <= rules.configuration.dormantAfterDays
    }

    /// The original high-risk conditions on attendance and missed visits only (silence is judged by the rhythm).
    private func adherenceOnly(_ activity: PatientActivity) -> ActivityScorer.Facts {
        var visits = ActivityScorer.Visits()
        visits.lookbackAttended = activity.lookbackAttendedCount
        visits.lookbackDidNotArrive = activity.lookbackDidNotArriveCount
        visits.lookbackLateCancelled = activity.lookbackLateCancelledCount
        return ActivityScorer.Facts(visits: visits, daysSinceLastContact: nil, isCreatedRecently: false)
    }

    /// "regular every ~21 days, 64 days since last visit, 83 % likely still a patient".
    private func reason(_ situation: Situation) -> String {
        let interval = situation.rhythm.typicalInterval.map { Int($0.rounded()) } ?? 0
        let since = situation.rhythm.daysSinceLastVisit ?? 0
        let percent = Int((situation.probabilityAlive * 100).rounded())
        return "regular every ~\(interval) days, \(since) days since last visit, \(percent) % likely still a patient"
    }
}
