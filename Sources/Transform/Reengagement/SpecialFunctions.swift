import Foundation

/// The special functions the BG/NBD model needs, written out so that they are exact to near double precision,
/// free of global state (glibc's `lgamma` writes `signgam`) and well defined for every argument the fit can reach.
enum SpecialFunctions {
    /// ln Γ(x) for x > 0: Stirling's series after shifting x up to at least 10 (error below 1e-14).
    static func logGamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == .infinity ? .infinity : .nan }
        var shifted = x
        var logProduct = 0.0
        // Γ(x) = Γ(x + n) / (x (x + 1) … (x + n − 1)); the product is taken in blocks to stay finite.
        var product = 1.0
        while shifted < 10 {
            product *= shifted
            shifted += 1
            if product > 1e250 || product < 1e-250 {
                logProduct += log(product)
                product = 1
            }
        }
        logProduct += log(product)
        let inverse = 1 / shifted
        let inverse2 = inverse * inverse
        let series =
            inverse
            * (1.0 / 12
                - inverse2
                * (1.0 / 360
                    - inverse2 * (1.0 / 1_260 - inverse2 * (1.0 / 1_680 - inverse2 * (1.0 / 1_188)))))
        return (shifted - 0.5) * log(shifted) - shifted + 0.5 * log(2 * Double.pi) + series - logProduct
    }

    /// The digamma function ψ(x) = d ln Γ(x) / dx for x > 0: the recurrence up to x ≥ 10, then the asymptotic series.
    static func digamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return .nan }
        var shifted = x
        var result = 0.0
        while shifted < 10 {
            result -= 1 / shifted
            shifted += 1
        }
        let inverse = 1 / shifted
        let inverse2 = inverse * inverse
        let series =
            inverse2
            * (1.0 / 12
                - inverse2
                * (1.0 / 120
                    - inverse2 * (1.0 / 252 - inverse2 * (1.0 / 240 - inverse2 * (1.0 / 132)))))
        return result + log(shifted) - 0.5 * inverse - series
    }

    /// ln(eᵃ + eᵇ) without overflow.
    static func logSumExp(_ first: Double, _ second: Double) -> Double {
        let larger = max(first, second)
        guard larger.isFinite else { return larger }
        return larger + log(exp(first - larger) + exp(second - larger))
    }

    /// Gauss's hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1, summed as its power series.
    ///
    /// Each term is the previous one times (a + n)(b + n) / ((c + n)(n + 1)) · z, so the series converges
    /// geometrically; the sum stops once the terms shrink and their remaining tail no longer changes it. Callers pass
    /// parameters for which the series is well conditioned (see ``BetaGeometricModel/expectedVisits(in:after:)``).
    ///
    /// - Returns: The value, or NaN when `z` is outside [0, 1), `c` is a non-positive integer or the series does not
    ///   settle within 200,000 terms.
    static func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        guard z >= 0, z < 1, a.isFinite, b.isFinite, c.isFinite else { return .nan }
        if c <= 0, c == c.rounded() { return .nan }
        var term = 1.0
        var sum = 1.0
        var n = 0.0
        while n < 200_000 {
            let ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            term *= ratio
            sum += term
            n += 1
            if !sum.isFinite { return .nan }
            // The ratios tend to z, from above or below; once the larger of the two is below 1 the tail is at most
            // term · ρ / (1 − ρ).
            let bound = max(abs(ratio), z)
            if term == 0 || (bound < 1 && abs(term) * bound / (1 - bound) <= abs(sum) * 1e-17) {
                return sum
            }
        }
        return .nan
    }
}
