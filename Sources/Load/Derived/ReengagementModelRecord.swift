public import Pipeline

/// An organization's re-engagement model as of a run: the `reengagement_models` row (`docs/scoring.md`).
public struct ReengagementModelRecord: Sendable, Hashable {
    /// The BG/NBD parameters (time in days).
    public struct Parameters: Sendable, Hashable {
        /// The gamma shape of the visit rates.
        public var r: Double
        /// The gamma rate of the visit rates, in days.
        public var alpha: Double
        /// The first beta shape of the drop-out probability.
        public var a: Double
        /// The second beta shape of the drop-out probability.
        public var b: Double

        /// Creates the parameters; each must be positive and finite.
        public init(r: Double, alpha: Double, a: Double, b: Double) {
            self.r = r
            self.alpha = alpha
            self.a = a
            self.b = b
        }
    }

    /// The model the pipeline selected.
    public var model: ScoreActivitySettings.Model
    /// The fitted parameters; `nil` when the fit failed or was not requested.
    public var parameters: Parameters?
    /// Why there are no parameters, in words (no patient data).
    public var failureReason: String?
    /// The log-likelihood of the fit, in days.
    public var logLikelihood: Double?
    /// Patients with an attended visit.
    public var patients: Int
    /// Patients with a repeat visit.
    public var repeatVisitors: Int
    /// Distinct (frequency, recency, age) patterns.
    public var visitPatterns: Int
    /// Optimiser iterations.
    public var iterations: Int?
    /// Patients on the call list.
    public var callListPatients: Int

    /// Creates a record.
    ///
    /// - Parameters: One per property; see each property's documentation.
    public init(
        model: ScoreActivitySettings.Model,
        parameters: Parameters?,
        failureReason: String?,
        logLikelihood: Double?,
        patients: Int,
        repeatVisitors: Int,
        visitPatterns: Int,
        iterations: Int?,
        callListPatients: Int
    ) {
        self.model = model
        self.parameters = parameters
        self.failureReason = failureReason
        self.logLikelihood = logLikelihood
        self.patients = patients
        self.repeatVisitors = repeatVisitors
        self.visitPatterns = visitPatterns
        self.iterations = iterations
        self.callListPatients = callListPatients
    }
}
