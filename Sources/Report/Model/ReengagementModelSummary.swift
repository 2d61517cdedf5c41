/// The organization's re-engagement model as `summary.json` shows it (the `reengagement_models` row).
public struct ReengagementModelSummary: Codable, Sendable, Equatable {
    /// The BG/NBD parameters, time in days.
    public struct Parameters: Codable, Sendable, Equatable {
        /// Gamma shape of the visit rates.
        public var r: Double
        /// Gamma rate of the visit rates (days).
        public var alpha: Double
        /// First beta shape of the drop-out probability.
        public var a: Double
        /// Second beta shape of the drop-out probability.
        public var b: Double
    }

    /// `bgnbd` or `rules_v1`: the model the pipeline selected.
    public var model: String
    /// `fitted`; `failed` (the original rules set the priorities, see ``failureReason``); or `not_requested`
    /// (`model: rules_v1`).
    public var status: String
    /// Why not, when not fitted.
    public var failureReason: String?
    /// The fitted parameters.
    public var parameters: Parameters?
    /// The fit's log-likelihood (days).
    public var logLikelihood: Double?
    /// Patients with an attended visit.
    public var patients: Int
    /// Patients with a repeat visit.
    public var repeatVisitors: Int
    /// Distinct (frequency, recency, age) patterns the fit used.
    public var visitPatterns: Int
    /// Patients on the call list.
    public var callListPatients: Int
    /// The mean days between visits of a patient who is still a patient, α / r; `nil` without a fit.
    public var meanDaysBetweenVisits: Double?
    /// The mean chance of dropping out after a visit, a / (a + b); `nil` without a fit.
    public var meanDropOutAfterVisit: Double?

    enum CodingKeys: String, CodingKey {
        case model
        case status
        case failureReason = "failure_reason"
        case parameters
        case logLikelihood = "log_likelihood"
        case patients
        case repeatVisitors = "repeat_visitors"
        case visitPatterns = "visit_patterns"
        case callListPatients = "call_list_patients"
        case meanDaysBetweenVisits = "mean_days_between_visits"
        case meanDropOutAfterVisit = "mean_drop_out_after_visit"
    }
}

/// One cell of the recency × frequency heat map.
public struct RecencyFrequencyCell: Codable, Sendable, Equatable {
    /// Recency quintile, 5 = most recently seen.
    public var recency: Int
    /// Frequency quintile, 5 = most visits.
    public var frequency: Int
    /// Patients in the cell.
    public var patients: Int
}

/// One patient of the call list.
public struct CallListPatient: Codable, Sendable, Equatable {
    /// Place on the list (patients with identical histories share one).
    public var callRank: Int
    /// Cliniko's id.
    public var patientID: String
    /// Preferred or first name and last name.
    public var patientName: String
    /// Why the patient is on the list, e.g. "regular every ~21 days, 64 days since last visit, 83 % likely still a
    /// patient".
    public var reason: String
    /// The probability the patient is still a patient.
    public var probabilityAlive: Double
    /// The visits expected in the next 90 days.
    public var expectedVisits90d: Double?
    /// The median days between the patient's visits.
    public var typicalIntervalDays: Double?
    /// Days since the last attended visit ÷ the typical interval.
    public var overdueRatio: Double?
    /// The patient's RFM segment.
    public var rfmSegment: String?

    enum CodingKeys: String, CodingKey {
        case callRank = "call_rank"
        case patientID = "patient_id"
        case patientName = "patient_name"
        case reason
        case probabilityAlive = "probability_alive"
        case expectedVisits90d = "expected_visits_90d"
        case typicalIntervalDays = "typical_interval_days"
        case overdueRatio = "overdue_ratio"
        case rfmSegment = "rfm_segment"
    }
}
