import Pipeline

extension ActivityScorer {
    /// The facts the rules of `docs/scoring.md` are written in.
    struct Facts {
        var visits: Visits
        /// Calendar days since the last contact; `nil` when the clinic and the patient were never in touch.
        var daysSinceLastContact: Int?
        /// Whether the patient was created within the new-patient window.
        var isCreatedRecently: Bool

        var hasUpcomingVisit: Bool { visits.upcoming > 0 }
        var hasRecentVisit: Bool { visits.recentAttended > 0 }
        var hasEverAttended: Bool { visits.totalAttended > 0 }
        var missed: Int { visits.lookbackMissed }
        var booked: Int { visits.lookbackBooked }

        /// attended / (attended + did not arrive + late cancellations) over the look-back window.
        var attendanceRate: Double? {
            booked > 0 ? Double(visits.lookbackAttended) / Double(booked) : nil
        }
    }

    /// Activity status (`docs/scoring.md`, "Activity status").
    func activityStatus(_ facts: Facts) -> PatientActivity.Status {
        switch (facts.hasRecentVisit, facts.hasUpcomingVisit) {
        case (true, true): return .active
        case (true, false): return .recentlyActive
        case (false, true): return .upcomingOnly
        case (false, false):
            if facts.hasEverAttended { return .lapsed }
            return facts.isCreatedRecently ? .new : .neverSeen
        }
    }

    /// Engagement (`docs/scoring.md`, "Engagement").
    func engagement(_ facts: Facts) -> PatientActivity.Engagement {
        if facts.hasUpcomingVisit { return .active }
        guard let days = facts.daysSinceLastContact else { return .stale }
        return days <= configuration.dormantAfterDays ? .active : .dormant
    }

    /// Risk level (`docs/scoring.md`, "Risk level").
    func riskLevel(_ facts: Facts) -> PatientActivity.RiskLevel {
        if facts.hasUpcomingVisit { return .low }
        if meetsHighRiskConditions(facts) { return .high }
        if meetsMediumRiskConditions(facts) { return .medium }
        return .low
    }

    func meetsHighRiskConditions(_ facts: Facts) -> Bool {
        let config = configuration
        if let days = facts.daysSinceLastContact, days > config.highRiskAfterDays { return true }
        if let rate = facts.attendanceRate, facts.booked >= config.highRiskMinimumBooked,
            rate < config.highRiskAttendanceRate
        {
            return true
        }
        return facts.missed >= config.highRiskMissedCount
    }

    func meetsMediumRiskConditions(_ facts: Facts) -> Bool {
        let config = configuration
        if let days = facts.daysSinceLastContact, days > config.mediumRiskAfterDays { return true }
        if let rate = facts.attendanceRate, facts.booked >= config.mediumRiskMinimumBooked,
            rate < config.mediumRiskAttendanceRate
        {
            return true
        }
        return facts.missed >= config.mediumRiskMissedCount
    }

    /// Risk score, 0–100 (`docs/scoring.md`, "Risk score").
    func riskScore(_ facts: Facts, engagement: PatientActivity.Engagement, riskLevel: PatientActivity.RiskLevel) -> Int
    {
        let base: Int
        switch engagement {
        case .stale: base = 15
        case .active: base = 25
        case .dormant: base = 45
        }
        let riskPoints: Int
        switch riskLevel {
        case .high: riskPoints = 35
        case .medium: riskPoints = 20
        case .low: riskPoints = 0
        }
        let missedPoints = min(5, facts.missed)
        let disengagedPoints = engagement == .active ? 0 : 5
        return min(100, max(0, base + riskPoints + missedPoints + disengagedPoints))
    }

    /// Action priority, 1 (urgent) to 4 (`docs/scoring.md`, "Action priority").
    func actionPriority(engagement: PatientActivity.Engagement, riskLevel: PatientActivity.RiskLevel) -> Int {
        switch (riskLevel, engagement) {
        case (.high, .dormant), (.high, .stale): return 1
        case (.high, .active), (.medium, .dormant), (.medium, .stale): return 2
        case (.medium, .active): return 3
        case (.low, _): return 4
        }
    }

    /// Recommended action (`docs/scoring.md`, "Recommended action").
    func recommendedAction(engagement: PatientActivity.Engagement, riskLevel: PatientActivity.RiskLevel) -> String {
        switch (riskLevel, engagement) {
        case (.high, .dormant): return "Call now: high-risk dormant patient"
        case (.high, .stale): return "Call now: missed visits and never attended"
        case (.high, .active): return "Address adherence while engaged"
        case (_, .stale): return "Schedule initial consultation"
        case (_, .dormant): return "Re-engage"
        case (.medium, .active): return "Check in"
        case (.low, .active): return "Maintain current care plan"
        }
    }
}
