public import Foundation
public import Pipeline

/// Scores patients with the re-engagement model of `docs/scoring.md`: the organization's BG/NBD fit gives each
/// patient's probability of still being a patient and expected visits, their own visit rhythm says whether they are
/// overdue, and a short call list ranks overdue regulars who are still likely patients by what a call is worth.
///
/// Made in two passes over the organization's patients: an ``Accumulator`` sees every history first (memory
/// O(distinct visit patterns)), its ``Accumulator/makeScorer()`` fits the model and fixes the call list, then
/// ``score(_:)`` scores each history in any order, keeping nothing between patients. When the model cannot be
/// fitted, ``fit`` holds the reason and the priorities are those of the original rules (``ActivityScorer``); the
/// rhythm and RFM figures are filled in either way.
public struct ReengagementScorer: Sendable {
    /// The thresholds of the re-engagement rules.
    public struct Configuration: Sendable, Hashable {
        /// What the BG/NBD fit requires of the data.
        public var fit: BetaGeometricModel.FitConfiguration
        /// The horizon of the expected visits, in days. Defaults to 90.
        public var horizonDays: Int
        /// Attended visit days that make a patient a *regular*. Defaults to 3; fewer is a short course.
        public var minimumRegularVisits: Int
        /// Days since the last visit ÷ the typical interval at or above which a patient is *overdue*. Defaults to 1.5.
        public var overdueRatio: Double
        /// The probability alive at or above which a patient is *likely still a patient*. Defaults to 0.5.
        public var likelyAliveProbability: Double
        /// The probability alive below which a patient is *likely lost*. Defaults to 0.2.
        public var lostBelowProbability: Double
        /// The call list's length as a share of the patients with a visit. Defaults to 0.05 (5 %).
        public var callListShare: Double
        /// The call list's longest length. Defaults to 50; the list is the shorter of this and the share.
        public var callListMaximum: Int

        /// Creates a configuration; every parameter defaults to the value documented on its property.
        public init(
            fit: BetaGeometricModel.FitConfiguration = .init(),
            horizonDays: Int = 90,
            minimumRegularVisits: Int = 3,
            overdueRatio: Double = 1.5,
            likelyAliveProbability: Double = 0.5,
            lostBelowProbability: Double = 0.2,
            callListShare: Double = 0.05,
            callListMaximum: Int = 50
        ) {
            self.fit = fit
            self.horizonDays = horizonDays
            self.minimumRegularVisits = minimumRegularVisits
            self.overdueRatio = overdueRatio
            self.likelyAliveProbability = likelyAliveProbability
            self.lostBelowProbability = lostBelowProbability
            self.callListShare = callListShare
            self.callListMaximum = callListMaximum
        }
    }

    /// The scorer of the original rules, which also counts visits and outcomes.
    public let rules: ActivityScorer
    /// The thresholds.
    public let configuration: Configuration
    /// The organization's fit, or why there is none.
    public let fit: Result<BetaGeometricModel.Fit, BetaGeometricModel.FitFailure>
    /// Patients on the call list.
    public let callListCount: Int
    /// Patients with at least one attended visit (the population of the fit, the RFM quintiles and the list's cap).
    public let patientsWithVisits: Int
    /// Patients with a repeat visit.
    public let repeatVisitors: Int
    /// Distinct visit patterns among the patients with a visit.
    public let visitPatternCount: Int

    let recencyScale: QuintileScale
    let frequencyScale: QuintileScale
    let monetaryScale: QuintileScale?
    /// The call list's visit patterns and their rank.
    let callRanks: [VisitPattern: Int]

    init(
        rules: ActivityScorer,
        configuration: Configuration,
        fit: Result<BetaGeometricModel.Fit, BetaGeometricModel.FitFailure>,
        patterns: VisitPatternCounts,
        recencyScale: QuintileScale,
        frequencyScale: QuintileScale,
        monetaryScale: QuintileScale?,
        callRanks: [VisitPattern: Int],
        callListCount: Int
    ) {
        self.rules = rules
        self.configuration = configuration
        self.fit = fit
        self.patientsWithVisits = patterns.patientCount
        self.repeatVisitors = patterns.repeatVisitorCount
        self.visitPatternCount = patterns.counts.count
        self.recencyScale = recencyScale
        self.frequencyScale = frequencyScale
        self.monetaryScale = monetaryScale
        self.callRanks = callRanks
        self.callListCount = callListCount
    }

    /// The fitted model, when the fit succeeded.
    public var model: BetaGeometricModel? {
        if case .success(let fit) = fit { return fit.model } else { return nil }
    }

    /// Scores one patient.
    ///
    /// - Parameter history: The patient, all their appointments and their latest matched message.
    /// - Returns: The patient's activity: the original fields with the re-engagement meanings of `docs/scoring.md`
    ///   when the model is fitted (the original rules' otherwise), and the re-engagement figures.
    public func score(_ history: PatientHistory) -> PatientActivity {
        var activity = rules.score(history)
        let rhythm = rules.rhythm(history.appointments)
        activity.typicalIntervalDays = rhythm.typicalInterval
        activity.overdueRatio = rhythm.overdueRatio.map { ($0 * 1_000).rounded() / 1_000 }
        if let since = rhythm.daysSinceLastVisit, let recency = recencyScale.quintile(of: -since),
            let frequency = frequencyScale.quintile(of: rhythm.days.count)
        {
            activity.rfm = PatientActivity.RFM(
                recency: recency, frequency: frequency,
                monetary: monetaryScale?.quintile(of: activity.totalAttendedCount))
        }
        guard let model else { return activity }
        guard let pattern = rhythm.pattern else {
            // Never attended: the original rules' fields, except that only the call list is urgent.
            if activity.actionPriority == 1 {
                activity.actionPriority = 2
                activity.recommendedAction = "Follow up: missed visits and never attended"
            }
            return activity
        }
        let alive = model.probabilityAlive(pattern)
        activity.probabilityAlive = alive
        activity.expectedVisits90d = model.expectedVisits(in: Double(configuration.horizonDays), after: pattern)
        apply(Situation(activity: activity, rhythm: rhythm, probabilityAlive: alive), to: &activity, pattern: pattern)
        return activity
    }
}
