import Foundation

extension BetaGeometricModel {
    /// Draws one synthetic patient from the model: a visit rate λ from the gamma distribution, a drop-out probability
    /// p from the beta distribution, then visits as a Poisson process of rate λ from day 0 to `age`, stopping for
    /// good after each visit with probability p.
    ///
    /// Visits are reduced to whole days as RoutIQ reduces attended visits: the first visit is day 0 and several
    /// visits on one day count once. For benchmarks, parameter-recovery tests and backtests.
    ///
    /// - Parameters:
    ///   - age: Days from the first visit to the as-of date.
    ///   - random: The source of randomness (seed it for reproducible draws).
    /// - Returns: The patient's visit pattern.
    public func simulatePattern(age: Double, using random: inout some RandomNumberGenerator) -> VisitPattern {
        let rate = Self.gamma(shape: r, using: &random) / alpha
        let dropOut = Self.beta(a, b, using: &random)
        var now = 0.0
        var lastDay = 0.0
        var days = 0
        while rate > 0 {
            now += -log(Self.uniform(using: &random)) / rate
            guard now < age else { break }
            let day = now.rounded(.down)
            if day > lastDay {
                days += 1
                lastDay = day
            }
            if Self.uniform(using: &random) < dropOut { break }
        }
        return VisitPattern(frequency: days, recency: days > 0 ? lastDay : 0, age: age)
    }

    /// Uniform in the open interval (0, 1).
    static func uniform(using random: inout some RandomNumberGenerator) -> Double {
        (Double(random.next() >> 11) + 0.5) / 9_007_199_254_740_992
    }

    /// A gamma(shape, 1) draw (Marsaglia & Tsang 2000; shapes below 1 by the boost u^(1/shape)).
    static func gamma(shape: Double, using random: inout some RandomNumberGenerator) -> Double {
        if shape < 1 { return gamma(shape: shape + 1, using: &random) * pow(uniform(using: &random), 1 / shape) }
        let d = shape - 1.0 / 3
        let c = 1 / sqrt(9 * d)
        while true {
            let normal = sqrt(-2 * log(uniform(using: &random))) * cos(2 * Double.pi * uniform(using: &random))
            let v = pow(1 + c * normal, 3)
            if v > 0, log(uniform(using: &random)) < 0.5 * normal * normal + d - d * v + d * log(v) { return d * v }
        }
    }

    /// A beta(a, b) draw as the ratio of two gamma draws.
    static func beta(_ a: Double, _ b: Double, using random: inout some RandomNumberGenerator) -> Double {
        let x = gamma(shape: a, using: &random)
        return x / (x + gamma(shape: b, using: &random))
    }
}
