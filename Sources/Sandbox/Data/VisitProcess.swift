import Foundation

/// The sandbox's generative visit mode: patients who visit as a Poisson process and drop out as the BG/NBD model
/// assumes (Fader, Hardie & Lee 2005), with parameters drawn per clinic from the seed.
///
/// While a patient is still a patient they visit at rate λ per day; after each visit they stop for good with
/// probability p. Across a clinic λ ~ gamma(``r``, rate ``alpha``) and p ~ beta(``a``, ``b``). Every draw comes from
/// the seed, the clinic's index and the patient's index, so the same inputs give the same histories, and the
/// simulation keeps what a warehouse never sees (each patient's λ, p and whether they are still a patient), so
/// tests can check a fit's parameters and a prediction's outcome against the truth.
public struct VisitProcess: Sendable, Hashable, Codable {
    /// The gamma shape of the visit rates.
    public var r: Double
    /// The gamma rate of the visit rates, in days (the mean rate is r / α visits a day).
    public var alpha: Double
    /// The first beta shape of the drop-out probability.
    public var a: Double
    /// The second beta shape of the drop-out probability (the mean is a / (a + b)).
    public var b: Double

    /// Creates a process from its parameters (all positive).
    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    /// The parameters of clinic `index` under `seed`: r in 0.5–2, a mean gap between visits (α / r) of 14–60 days,
    /// a in 0.5–1.5 and b in 2–6 (a mean drop-out after a visit of 8–43 %).
    public static func clinic(seed: UInt64, index: Int) -> VisitProcess {
        var random = SplitMix64(seed: seed, 0xB6_0B, UInt64(index))
        let r = 0.5 + 1.5 * random.unit()
        let meanGap = 14 + 46 * random.unit()
        return VisitProcess(r: r, alpha: r * meanGap, a: 0.5 + random.unit(), b: 2 + 4 * random.unit())
    }

    /// One simulated patient and the truth about them.
    public struct Patient: Sendable, Hashable {
        /// The instants of the patient's visits in days from day 0 (fractional), ascending; the first is the start
        /// of the day they first came.
        public var visitTimes: [Double]
        /// The patient's visit rate while still a patient, per day.
        public var rate: Double
        /// The patient's probability of stopping after a visit.
        public var dropOutProbability: Double
        /// The instant of the visit after which the patient stopped coming, if they did within the simulation.
        public var droppedOutAt: Double?

        /// The distinct days of the patient's visits, ascending (several visits on one day count once, as a
        /// clinic's records would show them).
        public var visitDays: [Int] {
            var days: [Int] = []
            for time in visitTimes {
                let day = Int(time.rounded(.down))
                if days.last != day { days.append(day) }
            }
            return days
        }

        /// Whether the patient is still a patient at `time` (has not stopped after a visit at or before it).
        public func isAlive(at time: Double) -> Bool {
            guard let droppedOutAt else { return true }
            return droppedOutAt > time
        }
    }

    /// Simulates `count` patients whose first visits fall at the start of days 0 to `firstVisitDays − 1` (uniformly),
    /// each followed until time `end` (days from day 0).
    ///
    /// - Parameters:
    ///   - count: Patients to simulate.
    ///   - firstVisitDays: The window of first visits, in days from day 0.
    ///   - end: The end of the simulation, in days from day 0.
    ///   - seed: The seed; each patient's draws depend only on it, `clinic` and the patient's index.
    ///   - clinic: The clinic's index, so two clinics of one seed differ.
    public func simulate(count: Int, firstVisitDays: Int, end: Double, seed: UInt64, clinic: Int) -> [Patient] {
        (0..<max(0, count)).map { index in
            var random = SplitMix64(seed: seed, 0xB6_0C, UInt64(clinic), UInt64(index))
            let rate = Self.gamma(shape: r, using: &random) / alpha
            let dropOut = Self.beta(a, b, using: &random)
            var times = [Double(random.below(max(1, firstVisitDays)))]
            var droppedOutAt: Double?
            // BG/NBD lets a patient stop only after a repeat visit, so the coin is tossed after each one.
            while rate > 0 {
                let next = times[times.count - 1] + -log(1 - random.unit()) / rate
                guard next < end else { break }
                times.append(next)
                if random.unit() < dropOut {
                    droppedOutAt = next
                    break
                }
            }
            return Patient(visitTimes: times, rate: rate, dropOutProbability: dropOut, droppedOutAt: droppedOutAt)
        }
    }

    /// A gamma(shape, 1) draw (Marsaglia & Tsang 2000; shapes below 1 by the boost u^(1/shape)).
    static func gamma(shape: Double, using random: inout SplitMix64) -> Double {
        if shape < 1 { return gamma(shape: shape + 1, using: &random) * pow(1 - random.unit(), 1 / shape) }
        let d = shape - 1.0 / 3
        let c = 1 / sqrt(9 * d)
        while true {
            let normal = sqrt(-2 * log(1 - random.unit())) * cos(2 * Double.pi * random.unit())
            let v = pow(1 + c * normal, 3)
            if v > 0, log(1 - random.unit()) < 0.5 * normal * normal + d - d * v + d * log(v) { return d * v }
        }
    }

    /// A beta(a, b) draw as the ratio of two gamma draws.
    static func beta(_ a: Double, _ b: Double, using random: inout SplitMix64) -> Double {
        let x = gamma(shape: a, using: &random)
        return x / (x + gamma(shape: b, using: &random))
    }
}
