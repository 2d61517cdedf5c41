import Foundation
import Pipeline
import Testing

@testable import Transform

@Suite("BG/NBD model")
struct BetaGeometricModelTests {
    /// The parameters Fader, Hardie & Lee (2005) fit to the CDNOW data set (weeks).
    static let cdnow = BetaGeometricModel(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)

    @Test("Special functions match reference values")
    func specialFunctions() {
        #expect(abs(SpecialFunctions.logGamma(1) - 0) < 1e-13)
        #expect(abs(SpecialFunctions.logGamma(0.5) - 0.5 * log(Double.pi)) < 1e-14)
        #expect(abs(SpecialFunctions.logGamma(100) - 359.13420536957539878) < 1e-11)
        #expect(abs(SpecialFunctions.logGamma(1e-5) - 11.512919692895824) < 1e-9)
        #expect(abs(SpecialFunctions.digamma(1) + 0.57721566490153286) < 1e-13)
        #expect(abs(SpecialFunctions.digamma(0.25) + 4.2274535333762654) < 1e-12)
        // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z.
        #expect(abs(SpecialFunctions.hypergeometric2F1(1, 1, 2, 0.5) - 2 * log(2)) < 1e-14)
        // ₂F₁(a, b; b; z) = (1 − z)^−a.
        #expect(abs(SpecialFunctions.hypergeometric2F1(2.5, 3, 3, 0.9) - pow(0.1, -2.5)) < 1e-9 * pow(0.1, -2.5))
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, 2, 1).isNaN)
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, -2, 0.5).isNaN)
        #expect(abs(SpecialFunctions.logSumExp(1_000, 1_000) - (1_000 + log(2))) < 1e-12)
    }

    @Test("A patient with no repeat visit is alive; a long-silent regular is probably not")
    func probabilityAlive() {
        let model = Self.cdnow
        #expect(model.probabilityAlive(VisitPattern(frequency: 0, recency: 0, age: 30)) == 1)
        let recent = model.probabilityAlive(VisitPattern(frequency: 10, recency: 38, age: 39))
        let silent = model.probabilityAlive(VisitPattern(frequency: 10, recency: 10, age: 39))
        #expect(recent > 0.9)
        #expect(silent < 0.05)
        #expect(silent > 0)
    }

    @Test("Conditional expectation at the paper's CDNOW parameters equals lifetimes'")
    func paperExample() {
        // x = 2, tₓ = 30.43, T = 38.86 weeks, the next 39 weeks: lifetimes 0.11.3 gives 1.2260281747671318.
        let expected = Self.cdnow.expectedVisits(in: 39, after: VisitPattern(frequency: 2, recency: 30.43, age: 38.86))
        #expect(expected.map { abs($0 - 1.2260281747671318) < 1e-9 } == true)
    }

    @Test("The analytic gradient equals finite differences")
    func gradient() throws {
        var counts = VisitPatternCounts()
        for (x, t, age, n) in [(0, 0.0, 30.0, 40), (1, 12.0, 50.0, 7), (5, 80.0, 90.0, 3), (12, 300.0, 400.0, 2)] {
            counts.add(VisitPattern(frequency: x, recency: t, age: age), count: n)
        }
        let point = [0.3, -0.2, 0.5, 1.1]
        let (_, gradient) = BetaGeometricModel.negativeLogLikelihood(counts, logParameters: point)
        for index in point.indices {
            var up = point
            var down = point
            up[index] += 1e-6
            down[index] -= 1e-6
            let numeric =
                (BetaGeometricModel.negativeLogLikelihood(counts, logParameters: up).value
                    - BetaGeometricModel.negativeLogLikelihood(counts, logParameters: down).value) / 2e-6
            #expect(abs(numeric - gradient[index]) < 1e-6, "coordinate \(index)")
        }
    }

    @Test("Fits that cannot succeed fail with a reason, never a NaN")
    func failSoft() {
        var empty = VisitPatternCounts()
        #expect(BetaGeometricModel.fit(empty) == .failure(.tooFewPatients(count: 0, minimum: 30)))
        empty.add(VisitPattern(frequency: 3, recency: 10, age: 20))
        #expect(BetaGeometricModel.fit(empty) == .failure(.tooFewPatients(count: 1, minimum: 30)))
        // One patient is no population: with the minimums lifted the likelihood has no interior maximum.
        let onePatient = BetaGeometricModel.fit(
            empty, configuration: .init(minimumPatients: 1, minimumRepeatVisitors: 1))
        if case .success(let fit) = onePatient {
            #expect([fit.model.r, fit.model.alpha, fit.model.a, fit.model.b].allSatisfy { $0.isFinite })
        }

        var oneTimers = VisitPatternCounts()
        for day in 0..<100 { oneTimers.add(VisitPattern(frequency: 0, recency: 0, age: Double(day))) }
        #expect(BetaGeometricModel.fit(oneTimers) == .failure(.tooFewRepeatVisitors(count: 0, minimum: 10)))

        var sameDay = VisitPatternCounts()
        sameDay.add(VisitPattern(frequency: 0, recency: 0, age: 0), count: 500)
        #expect(
            BetaGeometricModel.fit(sameDay, configuration: .init(minimumPatients: 1, minimumRepeatVisitors: 0))
                == .failure(.noTimeObserved))

        var invalid = VisitPatternCounts()
        invalid.add(VisitPattern(frequency: 2, recency: 50, age: 10))
        invalid.add(VisitPattern(frequency: 2, recency: .nan, age: 10))
        invalid.add(VisitPattern(frequency: 2, recency: 0, age: 10))
        #expect(invalid.patientCount == 0)
        #expect(invalid.rejectedCount == 3)
    }

    @Test("Extreme data either fits to finite parameters or fails with a reason", arguments: [0, 1, 2, 3])
    func extremes(_ shape: Int) {
        var counts = VisitPatternCounts()
        switch shape {
        case 0:
            // Everyone a daily visitor who never stops.
            for day in 1...200 { counts.add(VisitPattern(frequency: day, recency: Double(day), age: Double(day))) }
        case 1:
            // One enormous regular among one-timers.
            counts.add(VisitPattern(frequency: 0, recency: 0, age: 365), count: 5_000)
            counts.add(VisitPattern(frequency: 100_000, recency: 3_650, age: 3_650), count: 10)
        case 2:
            // Everyone came twice, on consecutive days, long ago.
            counts.add(VisitPattern(frequency: 1, recency: 1, age: 3_000), count: 1_000)
        default:
            // Tiny and huge ages side by side.
            counts.add(VisitPattern(frequency: 1, recency: 1e-9, age: 1e-9), count: 50)
            counts.add(VisitPattern(frequency: 3, recency: 1e6, age: 1e7), count: 50)
        }
        switch BetaGeometricModel.fit(counts) {
        case .success(let fit):
            let model = fit.model
            #expect([model.r, model.alpha, model.a, model.b, fit.logLikelihood].allSatisfy { $0.isFinite })
            for pattern in counts.counts.keys {
                #expect(model.probabilityAlive(pattern).isFinite)
                #expect((0...1).contains(model.probabilityAlive(pattern)))
            }
        case .failure(let reason):
            #expect(!reason.description.isEmpty)
        }
    }

    @Test("When the likelihood's maximum lies at the edge of the model the fit falls back to a small penalty")
    func edgeMaximum() throws {
        // Patients who come every one to four weeks until a course of set length ends (the sandbox's catalog mode):
        // no drop-out heterogeneity, so a and b run to infinity together without a penalty.
        var random = SplitMix64(seed: 5)
        var counts = VisitPatternCounts()
        for _ in 0..<2_000 {
            let age = Int.random(in: 60...1_000, using: &random)
            let visits = Int.random(in: 0..<10, using: &random) < 4 ? 1 : Int.random(in: 2...48, using: &random)
            let gap = Int.random(in: 7...28, using: &random)
            let count = min(visits, age / gap + 1)
            counts.add(
                VisitPattern(frequency: count - 1, recency: Double((count - 1) * gap), age: Double(age)))
        }
        switch BetaGeometricModel.fit(counts, configuration: .init(fallbackPenalty: 0)) {
        case .success(let unpenalised): #expect(max(unpenalised.model.a, unpenalised.model.b) > 1e6)
        case .failure(let reason):
            var atTheEdge = reason == .degenerate
            if case .didNotConverge = reason { atTheEdge = true }
            #expect(atTheEdge, "\(reason)")
        }
        let fit = try BetaGeometricModel.fit(counts).get()
        #expect(fit.penalty == 0.001)
        #expect([fit.model.r, fit.model.alpha, fit.model.a, fit.model.b].allSatisfy { $0.isFinite && $0 > 0 })
        for pattern in counts.counts.keys {
            let expected = try #require(fit.model.expectedVisits(in: 90, after: pattern))
            #expect(expected >= 0 && expected.isFinite)
            #expect((0...1).contains(fit.model.probabilityAlive(pattern)))
        }
        // Direct and Euler-transformed ₂F₁ agree where both are finite.
        let model = BetaGeometricModel(r: 0.7, alpha: 20, a: 30, b: 200)
        let pattern = VisitPattern(frequency: 4, recency: 60, age: 100)
        let direct = try #require(model.expectedVisits(in: 90, after: pattern))
        let z = 90 / (20 + 100 + 90.0)
        let c = 30 + 200 + 4 - 1.0
        let euler =
            c / 29 * (1 - pow(1 - z, 29) * SpecialFunctions.hypergeometric2F1(30 + 200 - 1 - 0.7, 29, c, z))
            / (1 + 30 / 203.0 * pow(120 / 80.0, 4.7))
        #expect(abs(direct - euler) < 1e-9 * max(1, euler))
    }

    @Test("A fit recovers the parameters of a simulated population")
    func recovery() throws {
        let truth = BetaGeometricModel(r: 0.9, alpha: 30, a: 0.7, b: 2.5)
        var random = SplitMix64(seed: 42)
        var counts = VisitPatternCounts()
        for _ in 0..<20_000 {
            counts.add(truth.simulatePattern(age: Double(Int.random(in: 60...1_000, using: &random)), using: &random))
        }
        let fit = try BetaGeometricModel.fit(counts).get()
        // Sampling error on 20,000 patients is a few per cent; 15 % bounds it generously but still catches a wrong
        // likelihood, which lands far away.
        #expect(abs(fit.model.r / truth.r - 1) < 0.15)
        #expect(abs(fit.model.alpha / truth.alpha - 1) < 0.15)
        #expect(abs(fit.model.a / truth.a - 1) < 0.15)
        #expect(abs(fit.model.b / truth.b - 1) < 0.15)
        #expect(fit.patternCount < counts.patientCount)
    }
}
