import Foundation
import PostgresNIO

extension ReportQueries {
    /// Probability-alive buckets, in per cent.
    static let probabilityBuckets = (0..<10).map { "\($0 * 10)-\($0 * 10 + 10)" }
    /// The RFM segments (`patient_activity.rfm_segment`).
    static let rfmSegments = [
        "champions", "loyal", "potential_loyalists", "new_patients", "needs_attention", "at_risk", "hibernating",
        "lost",
    ]

    /// Adds the re-engagement model, the probability-alive distribution, the RFM segments and heat map, and the
    /// call list to `summary`.
    func addReengagementFigures(to summary: inout ReEngagementSummary) async throws {
        summary.model = try await reengagementModel()
        var buckets = Self.zeroed(Self.probabilityBuckets)
        var segments = Self.zeroed(Self.rfmSegments)
        var cells = [[Int]](repeating: [Int](repeating: 0, count: 5), count: 5)
        let rows = try await connection.query(
            """
            SELECT CASE WHEN probability_alive IS NOT NULL THEN least(floor(probability_alive * 10), 9)::int8 END,
                   rfm_segment, rfm_recency::int8, rfm_frequency::int8, count(*)
            FROM patient_activity
            WHERE organization_id = \(organization) AND (probability_alive IS NOT NULL OR rfm_segment IS NOT NULL)
            GROUP BY 1, 2, 3, 4
            """,
            logger: logger
        )
        for try await (bucket, segment, recency, frequency, count)
            in rows.decode((Int?, String?, Int?, Int?, Int).self)
        {
            if let bucket, Self.probabilityBuckets.indices.contains(bucket) {
                buckets[Self.probabilityBuckets[bucket], default: 0] += count
            }
            if let segment { segments[segment, default: 0] += count }
            if let recency, let frequency, (1...5).contains(recency), (1...5).contains(frequency) {
                cells[recency - 1][frequency - 1] += count
            }
        }
        summary.probabilityAliveDistribution = buckets
        summary.rfmSegments = segments
        summary.recencyFrequency = (1...5).reversed().flatMap { recency in
            (1...5).map { RecencyFrequencyCell(recency: recency, frequency: $0, patients: cells[recency - 1][$0 - 1]) }
        }
        summary.callList = try await callList()
    }

    private func reengagementModel() async throws -> ReengagementModelSummary? {
        let rows = try await connection.query(
            """
            SELECT model, CASE WHEN fitted THEN 'fitted' WHEN model = 'rules_v1' THEN 'not_requested' ELSE 'failed' END,
                   failure_reason, r, alpha, a, b, log_likelihood, patients::int8,
                   repeat_visitors::int8, visit_patterns::int8, call_list_patients::int8
            FROM reengagement_models WHERE organization_id = \(organization)
            """,
            logger: logger
        )
        for try await row in rows {
            let c = row.makeRandomAccess()
            var parameters: ReengagementModelSummary.Parameters?
            if let r = try c[3].decode(Double?.self), let alpha = try c[4].decode(Double?.self),
                let a = try c[5].decode(Double?.self), let b = try c[6].decode(Double?.self)
            {
                parameters = .init(
                    r: Self.rounded(r, places: 6), alpha: Self.rounded(alpha, places: 6), a: Self.rounded(a, places: 6),
                    b: Self.rounded(b, places: 6))
            }
            return ReengagementModelSummary(
                model: try c[0].decode(String.self), status: try c[1].decode(String.self),
                failureReason: try c[2].decode(String?.self), parameters: parameters,
                logLikelihood: try c[7].decode(Double?.self).map { Self.rounded($0, places: 4) },
                patients: try c[8].decode(Int.self), repeatVisitors: try c[9].decode(Int.self),
                visitPatterns: try c[10].decode(Int.self), callListPatients: try c[11].decode(Int.self),
                meanDaysBetweenVisits: parameters.map { Self.rounded($0.alpha / $0.r, places: 1) },
                meanDropOutAfterVisit: parameters.map { Self.rounded($0.a / ($0.a + $0.b), places: 3) })
        }
        return nil
    }

    private func callList() async throws -> [CallListPatient] {
        let rows = try await connection.query(
            """
            SELECT a.call_rank::int8, a.patient_id, \(unescaped: Self.patientName), a.call_reason,
                   a.probability_alive, a.expected_visits_90d, a.typical_interval_days::float8,
                   a.overdue_ratio::float8, a.rfm_segment
            FROM patient_activity a
            JOIN patients p ON p.organization_id = a.organization_id AND p.patient_id = a.patient_id
            WHERE a.organization_id = \(organization) AND a.call_rank IS NOT NULL
            ORDER BY a.call_rank, a.patient_id
            """,
            logger: logger
        )
        var patients: [CallListPatient] = []
        for try await (rank, id, name, reason, alive, expected, interval, overdue, segment)
            in rows.decode((Int, String, String, String?, Double?, Double?, Double?, Double?, String?).self)
        {
            patients.append(
                CallListPatient(
                    callRank: rank, patientID: id, patientName: name, reason: reason ?? "",
                    probabilityAlive: Self.rounded(alive ?? 0, places: 4),
                    expectedVisits90d: expected.map { Self.rounded($0, places: 3) }, typicalIntervalDays: interval,
                    overdueRatio: overdue, rfmSegment: segment))
        }
        return patients
    }
}
