import Foundation
import Testing

@testable import Transform

/// RoutIQ's BG/NBD against the Python package `lifetimes` (BetaGeoFitter) on the committed fixture written by
/// `scripts/reengagement/make-lifetimes-fixture`: three differently shaped synthetic populations.
@Suite("BG/NBD agreement with lifetimes")
struct LifetimesAgreementTests {
    struct Fixture: Decodable {
        struct Fitted: Decodable {
            var r: Double
            var alpha: Double
            var a: Double
            var b: Double
            var logLikelihood: Double
            var standardErrors: [String: Double]

            var model: BetaGeometricModel { BetaGeometricModel(r: r, alpha: alpha, a: a, b: b) }
        }

        struct Population: Decodable {
            var name: String
            var lifetimes: Fitted
            var rows: [[Double]]

            var patterns: [VisitPattern] {
                rows.map { VisitPattern(frequency: Int($0[0].rounded()), recency: $0[1], age: $0[2]) }
            }

            var counts: VisitPatternCounts {
                var counts = VisitPatternCounts()
                for pattern in patterns { counts.add(pattern) }
                return counts
            }
        }

        var horizonDays: Double
        var populations: [Population]

        static let shared: Fixture = {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/lifetimes-bgnbd.json")
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try! decoder.decode(Fixture.self, from: Data(contentsOf: url))
        }()
    }

    static var populationNames: [String] { Fixture.shared.populations.map(\.name) }

    static func population(_ name: String) -> Fixture.Population {
        Fixture.shared.populations.first { $0.name == name }!
    }

    @Test("The fixture has several thousand rows from three populations")
    func fixtureShape() {
        #expect(Fixture.shared.populations.count == 3)
        #expect(Fixture.shared.populations.reduce(0) { $0 + $1.rows.count } >= 3_000)
    }

    @Test(
        "Fitted parameters within 1 % of lifetimes' and the log-likelihood within 1e-6 relative",
        arguments: populationNames)
    func parameters(_ name: String) throws {
        let population = Self.population(name)
        let fit = try BetaGeometricModel.fit(population.counts, configuration: .init()).get()
        let expected = population.lifetimes
        for (ours, theirs) in [
            (fit.model.r, expected.r), (fit.model.alpha, expected.alpha), (fit.model.a, expected.a),
            (fit.model.b, expected.b),
        ] {
            #expect(abs(ours - theirs) / theirs < 0.01, "\(name): \(ours) vs lifetimes \(theirs)")
        }
        #expect(abs(fit.logLikelihood - expected.logLikelihood) / abs(expected.logLikelihood) < 1e-6)
        // Standard errors: lifetimes reports θ · SE(ln θ) from its exact Hessian; ours is by differences.
        let errors = try #require(fit.logStandardErrors)
        for (index, (name, value)) in [
            ("r", fit.model.r), ("alpha", fit.model.alpha), ("a", fit.model.a), ("b", fit.model.b),
        ]
        .enumerated() {
            let theirs = try #require(expected.standardErrors[name])
            #expect(abs(value * errors[index] / theirs - 1) < 0.01, "\(name): \(value * errors[index]) vs \(theirs)")
        }
        // The maximum is a maximum: lifetimes' parameters are no better than ours.
        #expect(fit.logLikelihood >= expected.model.logLikelihood(population.counts) - 1e-6)
    }

    @Test("The log-likelihood formula equals lifetimes' at lifetimes' parameters", arguments: populationNames)
    func likelihoodFormula(_ name: String) {
        let population = Self.population(name)
        let ours = population.lifetimes.model.logLikelihood(population.counts)
        #expect(abs(ours - population.lifetimes.logLikelihood) / abs(population.lifetimes.logLikelihood) < 1e-10)
    }

    @Test("Per-patient probability alive and expected visits within 1e-4 of lifetimes'", arguments: populationNames)
    func perPatient(_ name: String) throws {
        let population = Self.population(name)
        let horizon = Fixture.shared.horizonDays
        let fitted = try BetaGeometricModel.fit(population.counts).get().model
        var worstAlive = 0.0
        var worstExpected = 0.0
        var formulaAlive = 0.0
        var formulaExpected = 0.0
        for (row, pattern) in zip(population.rows, population.patterns) {
            worstAlive = max(worstAlive, abs(fitted.probabilityAlive(pattern) - row[3]))
            worstExpected = max(
                worstExpected, abs((fitted.expectedVisits(in: horizon, after: pattern) ?? .nan) - row[4]))
            // The formulas alone, at lifetimes' own parameters.
            let theirs = population.lifetimes.model
            formulaAlive = max(formulaAlive, abs(theirs.probabilityAlive(pattern) - row[3]))
            formulaExpected = max(
                formulaExpected, abs((theirs.expectedVisits(in: horizon, after: pattern) ?? .nan) - row[4]))
        }
        #expect(worstAlive < 1e-4, "\(name): probability alive differs by up to \(worstAlive)")
        #expect(worstExpected < 1e-4, "\(name): expected visits differ by up to \(worstExpected)")
        #expect(formulaAlive < 1e-9, "\(name): the formula differs by up to \(formulaAlive)")
        #expect(formulaExpected < 1e-9, "\(name): the formula differs by up to \(formulaExpected)")
    }
}
