public import Foundation
public import Pipeline

extension ReengagementScorer {
    /// The first pass: sees every patient of the organization once and keeps only counts (the distinct visit
    /// patterns for the fit, the overdue regulars' patterns for the call list, and histograms for the RFM
    /// quintiles), so memory is O(distinct patterns), not O(patients).
    public struct Accumulator: Sendable {
        /// The scorer of the original rules, which also classifies and dates visits.
        public let rules: ActivityScorer
        /// The thresholds.
        public let configuration: Configuration
        /// The visit patterns of every patient with an attended visit.
        public private(set) var patterns = VisitPatternCounts()
        private var candidates: [VisitPattern: Int] = [:]
        private var recencies: [Int: Int] = [:]
        private var frequencies: [Int: Int] = [:]
        private var monetary: [Int: Int] = [:]

        /// Creates an accumulator.
        ///
        /// - Parameters:
        ///   - rules: The scorer of the original rules for the organization and as-of instant.
        ///   - configuration: The re-engagement thresholds; the documented defaults when omitted.
        public init(rules: ActivityScorer, configuration: Configuration = .init()) {
            self.rules = rules
            self.configuration = configuration
        }

        /// Counts one patient.
        public mutating func add(_ history: PatientHistory) {
            let rhythm = rules.rhythm(history.appointments)
            guard let pattern = rhythm.pattern, let since = rhythm.daysSinceLastVisit else { return }
            patterns.add(pattern)
            recencies[-since, default: 0] += 1
            frequencies[rhythm.days.count, default: 0] += 1
            var upcoming = 0
            var attended = 0
            for appointment in history.appointments {
                switch rules.classifier.outcome(of: appointment, asOf: rules.asOf) {
                case .upcoming: upcoming += 1
                case .attended: attended += 1
                case .archived, .cancelled, .lateCancelled, .didNotArrive: break
                }
            }
            if rules.configuration.averageFee > 0 { monetary[attended, default: 0] += 1 }
            if ReengagementScorer.isOverdueRegular(rhythm, upcoming: upcoming, configuration: configuration) {
                candidates[pattern, default: 0] += 1
            }
        }

        /// Fits the model and fixes the call list.
        ///
        /// - Parameter fittingModel: `false` for the original rules (`model: rules_v1`): no fit, no call list, the
        ///   rules' priorities, and the rhythm and RFM figures all the same. `true` by default.
        /// The list holds the overdue regulars whose probability alive is at least
        /// ``Configuration/likelyAliveProbability``, by descending call value, up to the shorter of
        /// ``Configuration/callListMaximum`` and ``Configuration/callListShare`` of the patients with a visit (at
        /// least one). Patients with identical histories share a value; such a group is taken whole or not at all,
        /// so the list never exceeds its cap.
        public func makeScorer(fittingModel: Bool = true) -> ReengagementScorer {
            let fit =
                fittingModel
                ? BetaGeometricModel.fit(patterns, configuration: configuration.fit) : .failure(.notRequested)
            var ranks: [VisitPattern: Int] = [:]
            var listed = 0
            if case .success(let fitted) = fit {
                let cap = min(
                    configuration.callListMaximum,
                    max(1, Int((configuration.callListShare * Double(patterns.patientCount)).rounded(.up))))
                let valued = candidates.compactMap { pattern, count -> (VisitPattern, Int, Double)? in
                    guard fitted.model.probabilityAlive(pattern) >= configuration.likelyAliveProbability else {
                        return nil
                    }
                    let value = ReengagementScorer.callValue(
                        pattern, model: fitted.model, configuration: configuration,
                        fee: rules.configuration.averageFee)
                    return (pattern, count, value)
                }.sorted { lhs, rhs in
                    lhs.2 != rhs.2
                        ? lhs.2 > rhs.2
                        : (lhs.0.frequency, lhs.0.recency, lhs.0.age) < (rhs.0.frequency, rhs.0.recency, rhs.0.age)
                }
                for (pattern, count, _) in valued {
                    guard listed + count <= cap else { break }
                    ranks[pattern] = listed + 1
                    listed += count
                }
            }
            return ReengagementScorer(
                rules: rules,
                configuration: configuration,
                fit: fit,
                patterns: patterns,
                recencyScale: QuintileScale(histogram: recencies),
                frequencyScale: QuintileScale(histogram: frequencies),
                monetaryScale: rules.configuration.averageFee > 0 ? QuintileScale(histogram: monetary) : nil,
                callRanks: ranks,
                callListCount: listed
            )
        }
    }
}
