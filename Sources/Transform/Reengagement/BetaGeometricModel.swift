import Foundation

/// The BG/NBD ("beta-geometric / negative binomial distribution") model of Fader, Hardie & Lee (2005), with the
/// formulas of the Python package `lifetimes` (`BetaGeoFitter`), in days.
///
/// While a patient is still a patient ("alive") they visit as a Poisson process of rate λ; after each visit they
/// drop out for good with probability p. Across the clinic's patients λ follows a gamma distribution (shape
/// ``r``, rate ``alpha``) and p a beta distribution (``a``, ``b``). The four numbers are fitted once per
/// organization (``fit(_:configuration:)``); each patient's figures then follow from their ``VisitPattern``.
public struct BetaGeometricModel: Sendable, Hashable, Codable {
    /// The shape of the gamma distribution of visit rates.
    public var r: Double
    /// The rate (in days) of the gamma distribution of visit rates: the mean visit rate is r / α per day.
    public var alpha: Double
    /// The first shape of the beta distribution of the drop-out probability.
    public var a: Double
    /// The second shape of the beta distribution of the drop-out probability: the mean is a / (a + b).
    public var b: Double

    /// Creates a model from its four parameters (all positive).
    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    /// The probability that a patient with this pattern is still a patient.
    ///
    /// 1 / (1 + a / (b + x − 1) · ((α + T) / (α + tₓ))^(r + x)) for x > 0; 1 for a patient with no repeat visit
    /// (the model lets patients drop out only just after a visit).
    public func probabilityAlive(_ pattern: VisitPattern) -> Double {
        guard pattern.frequency > 0 else { return 1 }
        let x = Double(pattern.frequency)
        let logOdds =
            (r + x) * log((alpha + pattern.age) / (alpha + pattern.recency)) + log(a / (b + x - 1))
        return 1 / (1 + exp(logOdds))
    }

    /// The expected number of visits in the next `days` days of a patient with this pattern (equation 10 of the
    /// paper, the conditional expectation).
    ///
    /// (a + b + x − 1) / (a − 1) · (1 − ((α + T) / (α + T + t))^(r + x) ₂F₁(r + x, b + x; a + b + x − 1; z))
    /// / (1 + [x > 0] a / (b + x − 1) · ((α + T) / (α + tₓ))^(r + x)), with z = t / (α + T + t).
    ///
    /// The ₂F₁ series is summed directly and, when that overflows (its terms grow with the number of visits),
    /// through Euler's transformation ₂F₁(A, B; C; z) = (1 − z)^(C − A − B) ₂F₁(C − A, C − B; C; z), as `lifetimes`
    /// does; the two are equal.
    ///
    /// - Returns: The expected visits, or `nil` when the value is not a finite number (a fitted a of exactly 1).
    public func expectedVisits(in days: Double, after pattern: VisitPattern) -> Double? {
        let x = Double(pattern.frequency)
        let c = a + b + x - 1
        let z = days / (alpha + pattern.age + days)
        // (1 − z)^(r + x) · ₂F₁(r + x, b + x; c; z), directly (well conditioned for large a and b), or, when that
        // overflows (many visits), as (1 − z)^(a − 1) · ₂F₁(a + b − 1 − r, a − 1; c; z): `lifetimes` does the same.
        var scaled = exp((r + x) * log1p(-z)) * SpecialFunctions.hypergeometric2F1(r + x, b + x, c, z)
        if !scaled.isFinite {
            scaled = exp((a - 1) * log1p(-z)) * SpecialFunctions.hypergeometric2F1(a + b - 1 - r, a - 1, c, z)
        }
        let first = c / (a - 1)
        var denominator = 1.0
        if pattern.frequency > 0 {
            denominator += a / (b + x - 1) * exp((r + x) * log((alpha + pattern.age) / (alpha + pattern.recency)))
        }
        let value = first * (1 - scaled) / denominator
        return value.isFinite ? value : nil
    }

    /// The log-likelihood of `count` patients with this pattern, in days (section 7 of the paper).
    ///
    /// ln L = ln Γ(r + x) − ln Γ(r) + r ln α + ln Γ(a + b) + ln Γ(b + x) − ln Γ(b) − ln Γ(a + b + x)
    /// + ln((α + T)^−(r+x) + [x > 0] a / (b + x − 1) (α + tₓ)^−(r+x)).
    public func logLikelihood(_ pattern: VisitPattern, count: Int = 1) -> Double {
        let x = Double(pattern.frequency)
        let gammaTerms =
            SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r) + r * log(alpha)
            + SpecialFunctions.logGamma(a + b) + SpecialFunctions.logGamma(b + x) - SpecialFunctions.logGamma(b)
            - SpecialFunctions.logGamma(a + b + x)
        let stillAlive = -(r + x) * log(alpha + pattern.age)
        var mixture = stillAlive
        if pattern.frequency > 0 {
            let droppedOut = log(a) - log(b + x - 1) - (r + x) * log(alpha + pattern.recency)
            mixture = SpecialFunctions.logSumExp(stillAlive, droppedOut)
        }
        return Double(count) * (gammaTerms + mixture)
    }

    /// The log-likelihood of every counted patient, in days.
    public func logLikelihood(_ counts: VisitPatternCounts) -> Double {
        counts.counts.reduce(0) { $0 + logLikelihood($1.key, count: $1.value) }
    }
}
