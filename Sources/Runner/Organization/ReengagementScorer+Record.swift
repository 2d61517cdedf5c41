import Load
import Logging
import Pipeline
import Transform

extension ReengagementScorer {
    /// The organization's `reengagement_models` row.
    func record(model: ScoreActivitySettings.Model) -> ReengagementModelRecord {
        switch fit {
        case .success(let fit):
            return ReengagementModelRecord(
                model: model,
                parameters: .init(r: fit.model.r, alpha: fit.model.alpha, a: fit.model.a, b: fit.model.b),
                failureReason: nil, logLikelihood: fit.logLikelihood, patients: patientsWithVisits,
                repeatVisitors: repeatVisitors, visitPatterns: visitPatternCount,
                iterations: fit.iterations, callListPatients: callListCount)
        case .failure(let reason):
            return ReengagementModelRecord(
                model: model, parameters: nil, failureReason: reason.description, logLikelihood: nil,
                patients: patientsWithVisits, repeatVisitors: repeatVisitors, visitPatterns: visitPatternCount,
                iterations: nil, callListPatients: 0)
        }
    }

    /// One line about the fit: counts and parameters only, never patient data. A fit that failed is a `notice`
    /// (the organization falls back to the original rules); a fitted model and `rules_v1` are `debug`.
    func log(to logger: Logger) {
        var metadata: Logger.Metadata = [
            "routiq.patients": "\(patientsWithVisits)", "routiq.call_list": "\(callListCount)",
        ]
        switch fit {
        case .success(let fit):
            metadata["routiq.bgnbd"] =
                "r=\(fit.model.r) alpha=\(fit.model.alpha) a=\(fit.model.a) b=\(fit.model.b)"
            logger.debug("re-engagement model fitted", metadata: metadata)
        case .failure(.notRequested):
            logger.debug("re-engagement model not requested (rules_v1)", metadata: metadata)
        case .failure(let reason):
            metadata["routiq.reason"] = "\(reason)"
            logger.notice("re-engagement model not fitted; the original rules decide", metadata: metadata)
        }
    }
}
