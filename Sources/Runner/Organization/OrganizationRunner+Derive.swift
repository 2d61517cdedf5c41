import Foundation
import Load
import Logging
import Pipeline
import PostgresNIO
import Transform

extension OrganizationRunner {
    /// Re-scores every patient of the organization from the warehouse and recomputes the appointment statistics,
    /// streaming patients in order (memory: one batch) and replacing the derived tables in this transaction.
    ///
    /// Merged and deleted patients are duplicates or gone at the source, so they are not scored. Scoring reads the
    /// patients twice: a first pass counts their visit patterns and fits the re-engagement model (`docs/scoring.md`),
    /// the second scores and writes each patient with the fit.
    func derive(on connection: PostgresConnection, logger: Logger) async throws {
        let score = definition.stages.lazy.compactMap { stage -> ScoreActivitySettings? in
            if case .scoreActivity(let settings) = stage.settings { return settings } else { return nil }
        }.first
        let aggregate = definition.stages.lazy.compactMap { stage -> AggregateAppointmentsSettings? in
            if case .aggregateAppointments(let settings) = stage.settings { return settings } else { return nil }
        }.first
        let scoring = score ?? ScoreActivitySettings()
        let outcomes = AppointmentOutcomeClassifier.Configuration(
            lateCancellationWindow: TimeInterval(scoring.lateCancellationHours) * 3_600
        )
        let scorer = ActivityScorer(
            asOf: asOf,
            timeZone: timeZone,
            configuration: .init(
                recentDays: scoring.recentDays, attendanceWindowDays: scoring.attendanceWindowDays,
                dormantAfterDays: scoring.dormantAfterDays, newPatientDays: scoring.newPatientDays,
                highRiskAfterDays: scoring.highRiskAfterDays, mediumRiskAfterDays: scoring.mediumRiskAfterDays,
                outcomes: outcomes, averageFee: scoring.averageFee
            )
        )
        var aggregator = AppointmentAggregator(
            asOf: asOf,
            timeZone: timeZone,
            configuration: .init(
                weeksBack: aggregate?.weeksBack ?? 26, weeksAhead: aggregate?.weeksAhead ?? 4,
                attendanceWindowDays: scoring.attendanceWindowDays, outcomes: outcomes
            )
        )
        let writer = DerivedTablesWriter(organization: organization.id, runID: runID, asOf: asOf)
        try await writer.clear(on: connection, logger: logger)
        var reengagement: ReengagementScorer?
        if let score {
            var accumulator = ReengagementScorer.Accumulator(rules: scorer)
            try await PatientHistoryReader.withReader(organization: organization.id, on: connection, logger: logger) {
                reader in
                while let batch = try await reader.next() {
                    try stop.check()
                    for group in batch where group.patient.mergedAt == nil && group.patient.deletedAt == nil {
                        accumulator.add(PatientHistory(patient: group.patient, appointments: group.appointments))
                    }
                }
            }
            let fitted = accumulator.makeScorer(fittingModel: score.model == .bgnbd)
            reengagement = fitted
            try await writer.write(fitted.record(model: score.model), on: connection, logger: logger)
            fitted.log(to: logger)
        }
        var scored = 0
        try await PatientHistoryReader.withReader(organization: organization.id, on: connection, logger: logger) {
            reader in
            while let batch = try await reader.next() {
                try stop.check()
                var activities: [PatientActivity] = []
                activities.reserveCapacity(batch.count)
                for group in batch where group.patient.mergedAt == nil && group.patient.deletedAt == nil {
                    let history = PatientHistory(
                        patient: group.patient, appointments: group.appointments, lastMessageAt: group.lastMessageAt)
                    if let reengagement { activities.append(reengagement.score(history)) }
                    if aggregate != nil { aggregator.add(history) }
                }
                scored += activities.count
                try await writer.write(activities, on: connection, logger: logger)
            }
        }
        if aggregate != nil {
            try await writer.write(aggregator.typeStatistics(), on: connection, logger: logger)
            try await writer.write(aggregator.weeklyStatistics(), on: connection, logger: logger)
        }
        logger.debug("patients scored", metadata: ["routiq.rows": "\(scored)"])
    }

    var timeZone: TimeZone { definition.timeZone(of: organization) }
}
