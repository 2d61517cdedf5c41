// Prints Transform throughput: phone numbers parsed per second on mixed clinic input, and patients scored
// (and aggregated) per second on synthetic histories streamed one patient at a time. It asserts nothing about
// time: run it with `swift run -c release TransformBenchmark [patients] [appointments-per-patient]`.
import Foundation
import Pipeline
import Transform

func seconds(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func format(_ seconds: Double) -> String {
    String(format: "%.2f", seconds)
}

func digits(_ count: Int, using random: inout SplitMix64) -> String {
    String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
}

/// Phone fields in the mix of external-apis.md D.1 (AU clinic).
func phoneInputs(count: Int, using random: inout SplitMix64) -> [String] {
    let junk = ["n/a", "N/A", "none", "-", "0", "TBA", "ph after 5pm", "jane@gmail.com", "0491570156 / 02 5550 1234"]
    return (0..<count).map { _ in
        let mobile = "4" + digits(8, using: &random)
        let roll = Int.random(in: 0..<100, using: &random)
        switch roll {
        case 0..<40: return "61" + mobile
        case 40..<58:
            let text = "0" + mobile
            let chars = Array(text)
            return "\(String(chars[0..<4])) \(String(chars[4..<7])) \(String(chars[7...]))"
        case 58..<70: return "0" + mobile
        case 70..<78: return "+61 " + mobile
        case 78..<84: return "+61" + mobile
        case 84..<88: return "(02) 9" + digits(3, using: &random) + " " + digits(4, using: &random)
        case 88..<90: return mobile
        case 90..<94:
            return [
                "+64 21 " + digits(7, using: &random), "447" + digits(9, using: &random),
                "+1 415 " + digits(7, using: &random),
            ][
                Int.random(in: 0..<3, using: &random)
            ]
        default: return junk[Int.random(in: 0..<junk.count, using: &random)]
        }
    }
}

func makeHistories(count: Int, appointmentsPerPatient: Int, asOf: Date, using random: inout SplitMix64)
    -> [PatientHistory]
{
    let typeIDs = (1...8).map { "13000000000000000\($0)0" }
    return (0..<count).map { index in
        let id = String(1_300_000_000_000_000_000 + index)
        let created = asOf.addingTimeInterval(-Double(Int.random(in: 0..<(3 * 365), using: &random)) * 86_400)
        let patient = Patient(id: id, firstName: "Pat", lastName: "Ient", createdAt: created, updatedAt: created)
        var appointments: [Appointment] = []
        appointments.reserveCapacity(appointmentsPerPatient)
        for number in 0..<appointmentsPerPatient {
            let startsAt = asOf.addingTimeInterval(Double(Int.random(in: -700...60, using: &random)) * 86_400)
            let roll = Int.random(in: 0..<100, using: &random)
            appointments.append(
                Appointment(
                    id: "\(id)\(number)",
                    patientID: id,
                    appointmentTypeID: typeIDs[Int.random(in: 0..<typeIDs.count, using: &random)],
                    startsAt: startsAt,
                    endsAt: startsAt.addingTimeInterval(1800),
                    cancelledAt: roll < 10
                        ? startsAt.addingTimeInterval(-Double(Int.random(in: 0..<72, using: &random)) * 3600) : nil,
                    didNotArrive: roll >= 10 && roll < 14,
                    patientArrived: roll >= 14,
                    archivedAt: roll == 99 ? startsAt : nil,
                    createdAt: created,
                    updatedAt: created
                )
            )
        }
        let lastMessageAt =
            roll(60, &random) ? asOf.addingTimeInterval(-Double(Int.random(in: 0..<200, using: &random)) * 86_400) : nil
        return PatientHistory(patient: patient, appointments: appointments, lastMessageAt: lastMessageAt)
    }
}

func roll(_ percent: Int, _ random: inout SplitMix64) -> Bool {
    Int.random(in: 0..<100, using: &random) < percent
}

let arguments = CommandLine.arguments
let patientCount = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let appointmentsPerPatient = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20
var random = SplitMix64(seed: 20_261_126)

// Phone numbers.
let inputs = phoneInputs(count: 200_000, using: &random)
let parser = PhoneNumberParser(configuration: .init(defaultRegion: .australia))
var valid = 0
let passes = 10
let phoneSeconds = seconds {
    for _ in 0..<passes {
        for input in inputs where parser.normalize(input).e164 != nil {
            valid += 1
        }
    }
}
let parsed = inputs.count * passes
let phoneRate = Int(Double(parsed) / phoneSeconds)
print("phone numbers:  \(parsed) parsed in \(format(phoneSeconds)) s = \(phoneRate) numbers/s (\(valid) valid)")

// Scoring: a pool of distinct synthetic histories, streamed patient by patient `patientCount` times.
let asOf = Date(timeIntervalSince1970: 1_795_000_000)
let timeZone = TimeZone(identifier: "Australia/Sydney") ?? .gmt
let pool = makeHistories(
    count: min(patientCount, 20_000),
    appointmentsPerPatient: appointmentsPerPatient,
    asOf: asOf,
    using: &random
)
let scorer = ActivityScorer(asOf: asOf, timeZone: timeZone)
var highRisk = 0
let scoringSeconds = seconds {
    for index in 0..<patientCount where scorer.score(pool[index % pool.count]).riskLevel == .high {
        highRisk += 1
    }
}
let appointmentCount = patientCount * appointmentsPerPatient
let scoringRate = Int(Double(patientCount) / scoringSeconds)
print(
    "scoring:        \(patientCount) patients, \(appointmentCount) appointments in \(format(scoringSeconds)) s"
        + " = \(scoringRate) patients/s (\(highRisk) high risk)"
)

var aggregator = AppointmentAggregator(asOf: asOf, timeZone: timeZone)
let aggregationSeconds = seconds {
    for index in 0..<patientCount {
        aggregator.add(pool[index % pool.count])
    }
}
let weeks = aggregator.weeklyStatistics()
let aggregationRate = Int(Double(patientCount) / aggregationSeconds)
let typeCount = aggregator.typeStatistics().count
print(
    "aggregation:    \(patientCount) patients, \(appointmentCount) appointments in \(format(aggregationSeconds)) s"
        + " = \(aggregationRate) patients/s (\(typeCount) types, \(weeks.count) weeks)"
)

// Re-engagement: fitting the BG/NBD model to one organization of 20,000 patients drawn from the model itself
// (counting their visit patterns, then the maximum-likelihood fit), and scoring every patient with the fit.
let truth = BetaGeometricModel(r: 0.9, alpha: 30, a: 0.7, b: 2.5)
let fitPatients = 20_000
let patterns = (0..<fitPatients).map { _ in
    truth.simulatePattern(age: Double(Int.random(in: 30...1_095, using: &random)), using: &random)
}
var counts = VisitPatternCounts()
let countingSeconds = seconds {
    for pattern in patterns { counts.add(pattern) }
}
var fitResult: Result<BetaGeometricModel.Fit, BetaGeometricModel.FitFailure> = .failure(.degenerate)
let fitRounds = 5
let fitSeconds =
    seconds {
        for _ in 0..<fitRounds { fitResult = BetaGeometricModel.fit(counts) }
    } / Double(fitRounds)
switch fitResult {
case .success(let fit):
    let model = fit.model
    var expectedTotal = 0.0
    let predictSeconds = seconds {
        for pattern in patterns {
            expectedTotal += model.probabilityAlive(pattern) * (model.expectedVisits(in: 90, after: pattern) ?? 0)
        }
    }
    print(
        "bg/nbd fit:     \(fitPatients) patients (\(counts.counts.count) distinct patterns) counted in "
            + "\(format(countingSeconds * 1_000)) ms, fitted in \(format(fitSeconds * 1_000)) ms "
            + "(\(fit.iterations) iterations; mean of \(fitRounds))"
    )
    print(
        String(
            format: "bg/nbd truth:   r %.3f α %.2f a %.3f b %.3f; fitted r %.3f α %.2f a %.3f b %.3f",
            truth.r, truth.alpha, truth.a, truth.b, model.r, model.alpha, model.a, model.b)
    )
    print(
        "bg/nbd scoring: \(fitPatients) patients' probability alive and 90-day expected visits in "
            + "\(format(predictSeconds * 1_000)) ms"
    )
case .failure(let reason):
    print("bg/nbd fit:     failed: \(reason)")
}
