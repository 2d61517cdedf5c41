import Foundation

extension BetaGeometricModel {
    /// Why a BG/NBD model could not be fitted; the caller falls back to the rules and logs the reason.
    public enum FitFailure: Error, Sendable, Hashable, CustomStringConvertible {
        /// Fewer patients with an attended visit than the configured minimum.
        case tooFewPatients(count: Int, minimum: Int)
        /// Fewer patients with a repeat visit than the configured minimum: nothing to learn visit rates from.
        case tooFewRepeatVisitors(count: Int, minimum: Int)
        /// Every patient's first visit is on the as-of date: no time has passed to observe anything.
        case noTimeObserved
        /// The optimiser did not settle (the likelihood is flat or the data extreme).
        case didNotConverge(iterations: Int)
        /// The maximum lies at the edge of the parameter space (a parameter tends to 0 or infinity).
        case degenerate
        /// The pipeline selects the original rules (`model: rules_v1`), so no fit was attempted.
        case notRequested

        /// A sentence for the log and the report (no patient data).
        public var description: String {
            switch self {
            case .tooFewPatients(let count, let minimum):
                "\(count) patients with a visit, fewer than the \(minimum) a fit needs"
            case .tooFewRepeatVisitors(let count, let minimum):
                "\(count) patients with a repeat visit, fewer than the \(minimum) a fit needs"
            case .noTimeObserved:
                "every patient's first visit is on the as-of date"
            case .didNotConverge(let iterations):
                "the fit did not converge in \(iterations) iterations"
            case .degenerate:
                "the best fit lies at the edge of the model (a parameter runs to 0 or infinity)"
            case .notRequested:
                "the pipeline selects the original rules (model: rules_v1)"
            }
        }
    }

    /// What a fit requires of the data.
    public struct FitConfiguration: Sendable, Hashable {
        /// Patients with an attended visit needed to fit; 30 by default.
        public var minimumPatients: Int
        /// Patients with a repeat visit needed to fit; 10 by default.
        public var minimumRepeatVisitors: Int
        /// The L2 penalty on the parameters (`lifetimes`' `penalizer_coef`) of the second attempt, made only when the
        /// unpenalised maximum lies at the edge of the model; 0.001 by default.
        public var fallbackPenalty: Double

        /// Creates a configuration with the documented defaults.
        public init(minimumPatients: Int = 30, minimumRepeatVisitors: Int = 10, fallbackPenalty: Double = 0.001) {
            self.minimumPatients = minimumPatients
            self.minimumRepeatVisitors = minimumRepeatVisitors
            self.fallbackPenalty = fallbackPenalty
        }
    }

    /// A fitted model with the figures that describe the fit.
    public struct Fit: Sendable, Hashable, Codable {
        /// The maximum-likelihood parameters.
        public var model: BetaGeometricModel
        /// The log-likelihood of the data at ``model``, in days.
        public var logLikelihood: Double
        /// The patients the model was fitted to.
        public var patientCount: Int
        /// The distinct visit patterns among them.
        public var patternCount: Int
        /// Optimiser iterations.
        public var iterations: Int
        /// The standard errors of ln r, ln α, ln a and ln b, from the observed information (the numerical Hessian
        /// of the log-likelihood at the maximum); `nil` when the Hessian is not positive definite. A parameter's
        /// 95 % interval is about θ · exp(±1.96 · error).
        public var logStandardErrors: [Double]?
        /// The L2 penalty the fit used: 0, or ``FitConfiguration/fallbackPenalty`` when the unpenalised maximum lay
        /// at the edge of the model (every patient's drop-out probability the same: a and b run to infinity).
        public var penalty: Double = 0
    }

    /// Fits the model to the counted patients by maximum likelihood.
    ///
    /// As `lifetimes` does, time is rescaled so that the oldest patient's age is 1, the four parameters are
    /// optimised on a log scale from ln θ = 0.1, and the objective is the mean negative log-likelihood; the
    /// optimiser is BFGS with the analytic gradient, run to a gradient below 1e-8 (or until rounding stops progress).
    ///
    /// - Returns: The fit, or why there is none.
    public static func fit(_ counts: VisitPatternCounts, configuration: FitConfiguration = .init())
        -> Result<Fit, FitFailure>
    {
        guard counts.patientCount >= max(1, configuration.minimumPatients) else {
            return .failure(.tooFewPatients(count: counts.patientCount, minimum: configuration.minimumPatients))
        }
        let maximumAge = counts.maximumAge
        guard maximumAge > 0 else { return .failure(.noTimeObserved) }
        let repeatVisitors = counts.repeatVisitorCount
        guard repeatVisitors >= max(1, configuration.minimumRepeatVisitors) else {
            return .failure(
                .tooFewRepeatVisitors(count: repeatVisitors, minimum: configuration.minimumRepeatVisitors))
        }
        let data = ScaledPatterns(counts, scale: 1 / maximumAge)
        let minimizer = QuasiNewtonMinimizer()
        var penalty = 0.0
        var outcome = minimizer.minimize(from: [0.1, 0.1, 0.1, 0.1]) {
            data.negativeLogLikelihood(logParameters: $0)
        }
        if !outcome.converged || !outcome.point.allSatisfy({ abs($0) < 15 }), configuration.fallbackPenalty > 0 {
            // The likelihood keeps rising towards the edge of the model; a small penalty keeps the parameters finite.
            penalty = configuration.fallbackPenalty
            outcome = minimizer.minimize(from: [0.1, 0.1, 0.1, 0.1]) {
                data.negativeLogLikelihood(logParameters: $0, penalty: penalty)
            }
        }
        guard outcome.point.allSatisfy({ abs($0) < 30 }) else { return .failure(.degenerate) }
        guard outcome.converged else { return .failure(.didNotConverge(iterations: outcome.iterations)) }
        let parameters = outcome.point.map { exp($0) }
        let model = BetaGeometricModel(
            r: parameters[0], alpha: parameters[1] * maximumAge, a: parameters[2], b: parameters[3])
        let logLikelihood = model.logLikelihood(counts)
        guard logLikelihood.isFinite else { return .failure(.degenerate) }
        return .success(
            Fit(
                model: model, logLikelihood: logLikelihood, patientCount: counts.patientCount,
                patternCount: counts.counts.count, iterations: outcome.iterations,
                logStandardErrors: data.logStandardErrors(at: outcome.point, penalty: penalty), penalty: penalty))
    }
}

/// The counted patterns in rescaled time, grouped by frequency so that the gamma-function terms, which depend only
/// on the frequency, are computed once per distinct frequency and evaluation.
private struct ScaledPatterns {
    struct Group {
        var frequency: Double
        var recencies: [Double] = []
        var ages: [Double] = []
        var weights: [Double] = []
        var weight = 0.0
    }

    var groups: [Group]
    var totalWeight: Double

    init(_ counts: VisitPatternCounts, scale: Double) {
        var byFrequency: [Int: Group] = [:]
        // Sorted so that the sums, hence the fit, do not depend on the dictionary's order.
        for (pattern, count) in counts.counts.sorted(by: { Self.precedes($0.key, $1.key) }) {
            var group = byFrequency[pattern.frequency] ?? Group(frequency: Double(pattern.frequency))
            group.recencies.append(pattern.recency * scale)
            group.ages.append(pattern.age * scale)
            group.weights.append(Double(count))
            group.weight += Double(count)
            byFrequency[pattern.frequency] = group
        }
        groups = byFrequency.keys.sorted().compactMap { byFrequency[$0] }
        totalWeight = groups.reduce(0) { $0 + $1.weight }
    }

    /// Standard errors of the log-parameters: the inverse of the total negative log-likelihood's Hessian, taken by
    /// central differences of the analytic gradient (the log-parameters are the same in scaled and unscaled time,
    /// except ln α, whose shift does not change its error).
    func logStandardErrors(at point: [Double], penalty: Double = 0) -> [Double]? {
        let n = point.count
        let step = 1e-5
        var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for j in 0..<n {
            var up = point
            var down = point
            up[j] += step
            down[j] -= step
            let gradientUp = negativeLogLikelihood(logParameters: up, penalty: penalty).gradient
            let gradientDown = negativeLogLikelihood(logParameters: down, penalty: penalty).gradient
            for i in 0..<n { hessian[i][j] = (gradientUp[i] - gradientDown[i]) / (2 * step) * totalWeight }
        }
        for i in 0..<n {
            for j in 0..<i {
                let mean = (hessian[i][j] + hessian[j][i]) / 2
                hessian[i][j] = mean
                hessian[j][i] = mean
            }
        }
        guard let inverse = Self.invert(hessian) else { return nil }
        let errors = (0..<n).map { inverse[$0][$0] }
        guard errors.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        return errors.map { $0.squareRoot() }
    }

    /// Gauss–Jordan inversion with partial pivoting; `nil` for a singular matrix.
    static func invert(_ matrix: [[Double]]) -> [[Double]]? {
        let n = matrix.count
        var left = matrix
        var right = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(left[$0][column]) < abs(left[$1][column]) }),
                abs(left[pivot][column]) > 1e-300
            else { return nil }
            left.swapAt(column, pivot)
            right.swapAt(column, pivot)
            let scale = left[column][column]
            left[column] = left[column].map { $0 / scale }
            right[column] = right[column].map { $0 / scale }
            for row in 0..<n where row != column {
                let factor = left[row][column]
                guard factor != 0 else { continue }
                left[row] = zip(left[row], left[column]).map { $0 - factor * $1 }
                right[row] = zip(right[row], right[column]).map { $0 - factor * $1 }
            }
        }
        return right
    }

    private static func precedes(_ lhs: VisitPattern, _ rhs: VisitPattern) -> Bool {
        (lhs.frequency, lhs.recency, lhs.age) < (rhs.frequency, rhs.recency, rhs.age)
    }

    /// The mean negative log-likelihood at (ln r, ln α, ln a, ln b), plus `penalty` · (r² + α² + a² + b²) in scaled
    /// time as `lifetimes` adds it, and its gradient in those coordinates.
    func negativeLogLikelihood(logParameters: [Double], penalty: Double = 0) -> (value: Double, gradient: [Double]) {
        let r = exp(logParameters[0])
        let alpha = exp(logParameters[1])
        let a = exp(logParameters[2])
        let b = exp(logParameters[3])
        guard [r, alpha, a, b].allSatisfy({ $0.isFinite && $0 > 0 }) else { return (.infinity, [0, 0, 0, 0]) }
        let logAlpha = log(alpha)
        let logA = log(a)
        let lgR = SpecialFunctions.logGamma(r)
        let lgB = SpecialFunctions.logGamma(b)
        let lgAB = SpecialFunctions.logGamma(a + b)
        let psiR = SpecialFunctions.digamma(r)
        let psiB = SpecialFunctions.digamma(b)
        let psiAB = SpecialFunctions.digamma(a + b)
        var total = 0.0
        var dR = 0.0
        var dAlpha = 0.0
        var dA = 0.0
        var dB = 0.0
        for group in groups {
            let x = group.frequency
            let rx = r + x
            // Terms of A₁ + A₂ that depend only on x.
            let gammaTerms =
                SpecialFunctions.logGamma(rx) - lgR + r * logAlpha + lgAB + SpecialFunctions.logGamma(b + x) - lgB
                - SpecialFunctions.logGamma(a + b + x)
            let psiRX = SpecialFunctions.digamma(rx)
            let psiABX = SpecialFunctions.digamma(a + b + x)
            let psiBX = SpecialFunctions.digamma(b + x)
            total += group.weight * gammaTerms
            dR += group.weight * (psiRX - psiR + logAlpha)
            dAlpha += group.weight * r / alpha
            dA += group.weight * (psiAB - psiABX)
            dB += group.weight * (psiAB + psiBX - psiB - psiABX)
            if x == 0 {
                for index in group.ages.indices {
                    let w = group.weights[index]
                    let alphaT = alpha + group.ages[index]
                    total += w * -rx * log(alphaT)
                    dR += w * -log(alphaT)
                    dAlpha += w * -rx / alphaT
                }
                continue
            }
            let logDropOutWeight = logA - log(b + x - 1)
            let dropOutB = -1 / (b + x - 1)
            for index in group.ages.indices {
                let w = group.weights[index]
                let alphaT = alpha + group.ages[index]
                let alphaR = alpha + group.recencies[index]
                let logAlphaT = log(alphaT)
                let logAlphaR = log(alphaR)
                let alive = -rx * logAlphaT
                let dropped = logDropOutWeight - rx * logAlphaR
                let larger = max(alive, dropped)
                let aliveShare = exp(alive - larger)
                let droppedShare = exp(dropped - larger)
                let sum = aliveShare + droppedShare
                total += w * (larger + log(sum))
                let pAlive = aliveShare / sum
                let pDropped = droppedShare / sum
                dR += w * (pAlive * -logAlphaT + pDropped * -logAlphaR)
                dAlpha += w * (pAlive * -rx / alphaT + pDropped * -rx / alphaR)
                dA += w * pDropped / a
                dB += w * pDropped * dropOutB
            }
        }
        let scale = -1 / totalWeight
        let squares = [r * r, alpha * alpha, a * a, b * b]
        let value = total * scale + penalty * squares.reduce(0, +)
        // Chain rule to log coordinates: ∂/∂ln θ = θ ∂/∂θ; the penalty's is 2 · penalty · θ².
        let gradient = [dR * r * scale, dAlpha * alpha * scale, dA * a * scale, dB * b * scale]
        return (value, zip(gradient, squares).map { $0 + 2 * penalty * $1 })
    }
}

extension BetaGeometricModel {
    /// The fit's objective (mean negative log-likelihood, time scaled so the oldest age is 1) and its gradient at
    /// (ln r, ln α, ln a, ln b); for tests of the gradient.
    static func negativeLogLikelihood(_ counts: VisitPatternCounts, logParameters: [Double])
        -> (value: Double, gradient: [Double])
    {
        ScaledPatterns(counts, scale: 1 / counts.maximumAge).negativeLogLikelihood(logParameters: logParameters)
    }
}
