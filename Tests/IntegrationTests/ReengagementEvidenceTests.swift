import Foundation
import Pipeline
import Sandbox
import Testing
import Transform

/// Evidence for the re-engagement model on the sandbox's generative visit mode (`VisitProcess`): the fit recovers
/// each clinic's parameters, and in a holdout backtest the call list reaches more patients who are still patients
/// than the original rules' urgent list. `scripts/reengagement/backtest` runs this suite and prints its tables.
@Suite("Re-engagement evidence on simulated clinics")
struct ReengagementEvidenceTests {
    /// Day 0 of every simulation: 1 January 2024 (UTC).
    static let dayZero = 19_723
    /// The cut-off: two years of history.
    static let cutoff = 730
    static let horizon = 90

    static func date(day: Int, hour: Int = 10) -> Date {
        Date(timeIntervalSince1970: Double((dayZero + day) * 86_400 + hour * 3_600))
    }

    /// The pattern of a patient's visits on or before day `cutoff`, in whole days as a clinic's records give them.
    static func pattern(_ patient: VisitProcess.Patient, cutoff: Int) -> VisitPattern? {
        let days = patient.visitDays.filter { $0 <= cutoff }
        guard let first = days.first, let last = days.last else { return nil }
        return VisitPattern(frequency: days.count - 1, recency: Double(last - first), age: Double(cutoff - first))
    }

    @Test(
        "Fitting 20,000 simulated patients recovers each clinic's parameters within sampling error",
        arguments: [0, 1, 2])
    func recovery(_ clinic: Int) throws {
        let truth = VisitProcess.clinic(seed: 2_026, index: clinic)
        let end = Double(Self.cutoff + 1)
        let patients = truth.simulate(count: 20_000, firstVisitDays: Self.cutoff, end: end, seed: 2_026, clinic: clinic)
        // The model's own time scale: exact visit instants. (Whole days merge visits on one day; the backtest below
        // shows what that costs.)
        var counts = VisitPatternCounts()
        for patient in patients {
            let first = patient.visitTimes[0]
            let last = patient.visitTimes[patient.visitTimes.count - 1]
            counts.add(
                VisitPattern(frequency: patient.visitTimes.count - 1, recency: last - first, age: end - first))
        }
        let fit = try BetaGeometricModel.fit(counts).get()
        let errors = try #require(fit.logStandardErrors)
        let pairs = [
            ("r", fit.model.r, truth.r), ("alpha", fit.model.alpha, truth.alpha), ("a", fit.model.a, truth.a),
            ("b", fit.model.b, truth.b),
        ]
        var line = "recovery clinic \(clinic):"
        for (index, (name, fitted, actual)) in pairs.enumerated() {
            let z = (log(fitted) - log(actual)) / errors[index]
            line += String(format: " %@ %.3f (truth %.3f, z %+.2f)", name, fitted, actual, z)
            #expect(abs(z) < 3, "\(name): fitted \(fitted), truth \(actual), \(z) standard errors away")
        }
        print(line)
    }

    struct Outcome {
        var listed = 0
        var alive = 0
        var returned = 0

        mutating func add(alive isAlive: Bool, returned hasReturned: Bool) {
            listed += 1
            if isAlive { alive += 1 }
            if hasReturned { returned += 1 }
        }

        var precision: Double { listed == 0 ? 0 : Double(alive) / Double(listed) }
        var returnRate: Double { listed == 0 ? 0 : Double(returned) / Double(listed) }
    }

    @Test(
        "Holdout backtest: 90-day predictions are calibrated and the call list beats the old rules on precision",
        arguments: [0, 1])
    func backtest(_ clinic: Int) throws {
        let process = VisitProcess.clinic(seed: 7, index: clinic)
        let patients = process.simulate(
            count: 20_000, firstVisitDays: Self.cutoff, end: Double(Self.cutoff + Self.horizon + 1), seed: 7,
            clinic: clinic)
        let asOf = Self.date(day: Self.cutoff, hour: 18)
        let rules = ActivityScorer(asOf: asOf, timeZone: .gmt)
        func history(_ index: Int) -> PatientHistory {
            let id = String(1_300_000_000_000_000_000 + index)
            let days = patients[index].visitDays.filter { $0 <= Self.cutoff }
            let created = Self.date(day: days[0], hour: 8)
            return PatientHistory(
                patient: Patient(id: id, firstName: "", lastName: "", createdAt: created, updatedAt: created),
                appointments: days.map { day in
                    Appointment(
                        id: "\(id)-\(day)", patientID: id, startsAt: Self.date(day: day),
                        endsAt: Self.date(day: day).addingTimeInterval(1_800), patientArrived: true,
                        createdAt: created, updatedAt: created)
                })
        }
        var accumulator = ReengagementScorer.Accumulator(rules: rules)
        for index in patients.indices { accumulator.add(history(index)) }
        let scorer = accumulator.makeScorer()
        let model = try #require(scorer.model)

        // Calibration by frequency bucket: predicted vs actual visits in the 90 days after the cut-off.
        let buckets = [(0...0, "0"), (1...1, "1"), (2...2, "2"), (3...4, "3-4"), (5...9, "5-9"), (10...Int.max, "10+")]
        var predicted = [Double](repeating: 0, count: buckets.count)
        var actual = [Double](repeating: 0, count: buckets.count)
        var sizes = [Int](repeating: 0, count: buckets.count)
        var new = Outcome()
        var old = Outcome()
        var oldByScore: [(score: Int, id: Int)] = []
        for index in patients.indices {
            let patient = patients[index]
            let history = history(index)
            let scored = scorer.score(history)
            let original = rules.score(history)
            let future = patient.visitDays.filter { $0 > Self.cutoff && $0 <= Self.cutoff + Self.horizon }.count
            let isAlive = patient.isAlive(at: Double(Self.cutoff + 1))
            let pattern = try #require(Self.pattern(patient, cutoff: Self.cutoff))
            let bucket = buckets.firstIndex { $0.0.contains(pattern.frequency) } ?? 0
            predicted[bucket] += model.expectedVisits(in: Double(Self.horizon), after: pattern) ?? 0
            actual[bucket] += Double(future)
            sizes[bucket] += 1
            if scored.callRank != nil { new.add(alive: isAlive, returned: future > 0) }
            if original.actionPriority == 1 {
                old.add(alive: isAlive, returned: future > 0)
                oldByScore.append((original.riskScore, index))
            }
        }
        // The old list cut to the new one's length, highest risk score first (ties by id), for a like-for-like view.
        var oldTop = Outcome()
        for entry in oldByScore.sorted(by: { ($0.score, -$0.id) > ($1.score, -$1.id) }).prefix(new.listed) {
            let patient = patients[entry.id]
            let future = patient.visitDays.contains { $0 > Self.cutoff && $0 <= Self.cutoff + Self.horizon }
            oldTop.add(alive: patient.isAlive(at: Double(Self.cutoff + 1)), returned: future)
        }

        print(
            String(
                format: "backtest clinic %d: truth r %.3f α %.1f a %.3f b %.3f; fitted r %.3f α %.1f a %.3f b %.3f",
                clinic, process.r, process.alpha, process.a, process.b, model.r, model.alpha, model.a, model.b))
        print("backtest clinic \(clinic): repeat visits | patients | predicted visits/patient | actual visits/patient")
        for (index, bucket) in buckets.enumerated() where sizes[index] > 0 {
            let count = Double(sizes[index])
            print(
                String(
                    format: "backtest clinic %d:   %-5@ | %6d | %6.3f | %6.3f", clinic, bucket.1, sizes[index],
                    predicted[index] / count, actual[index] / count))
        }
        for (name, outcome) in [("new call list", new), ("old urgent list", old), ("old list, top N", oldTop)] {
            print(
                String(
                    format:
                        "backtest clinic %d: %-16@ %5d patients, precision (still a patient) %5.1f %%, returned within 90 days %5.1f %%",
                    clinic, name, outcome.listed, outcome.precision * 100, outcome.returnRate * 100))
        }

        // Calibration: over all patients the predicted total is within 10 % of what happened.
        let totalPredicted = predicted.reduce(0, +)
        let totalActual = actual.reduce(0, +)
        #expect(abs(totalPredicted / totalActual - 1) < 0.1, "predicted \(totalPredicted), actual \(totalActual)")
        #expect(new.listed > 0)
        #expect(new.listed <= 50)
        #expect(new.precision > old.precision)
        #expect(new.precision > oldTop.precision)
    }
}
