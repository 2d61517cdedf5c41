import Foundation
import Testing

@testable import Report

/// `patients.json` is written by ``PrettyJSONWriter`` for speed; these tests hold it to the bytes `JSONEncoder`
/// (``ReportJSON``) writes for the same document, on awkward values and on many random ones.
@Suite("PrettyJSONWriter")
struct PrettyJSONWriterTests {
    /// Every ASCII character, the Unicode line separators, a byte order mark, accents, emoji, Arabic and Hebrew.
    static let awkwardText: String = {
        var text = ""
        for value in 0..<0x80 { text.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        return text + "\u{85}\u{A0}\u{2028}\u{2029}\u{FEFF} Zoë 🦘 مريم שָׁלוֹם </script> \\/ \"quoted\""
    }()

    static func row(_ id: String, text: String = "x", complete: Bool, double: Double = 0.5, date: Date)
        -> PatientActivityRow
    {
        PatientActivityRow(
            patientID: id, name: text, email: complete ? text : nil, phone: complete ? "+61491570156" : nil,
            firstVisitAt: complete ? date : nil, lastVisitAt: complete ? date.addingTimeInterval(86_400.5) : nil,
            nextVisitAt: complete ? date.addingTimeInterval(-0.25) : nil, nextAppointmentType: complete ? text : nil,
            primaryAppointmentType: complete ? "Follow-up" : nil, attendedRecent: 1, attended90d: -2,
            attendedTotal: Int.max, upcomingCount: 0, cancelled90d: 3, lateCancelled90d: 4, didNotArrive90d: 5,
            attendanceRate90d: complete ? double : nil, lastMessageAt: complete ? date : nil,
            lastContactAt: complete ? date : nil, daysSinceLastContact: complete ? 0 : nil,
            daysUntilNextVisit: complete ? -7 : nil, activityStatus: "active", engagement: "dormant",
            riskLevel: "high", riskScore: 100, actionPriority: 1, recommendedAction: text,
            lifetimeValue: complete ? double * 1000 : nil)
    }

    static func expectSameBytes(_ export: PatientActivityExport, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let expected = try ReportJSON.encode(export)
        let actual = export.prettyJSON()
        let same = zip(actual, expected).prefix { $0 == $1 }.count
        #expect(
            actual == expected,
            "first difference at byte \(same): \(String(decoding: actual.dropFirst(max(0, same - 200)).prefix(400), as: UTF8.self))",
            sourceLocation: sourceLocation)
    }

    @Test("writes the bytes JSONEncoder writes for awkward values and an empty list")
    func awkwardValues() throws {
        let doubles: [Double] = [0, -0.0, 1, 0.1, 0.01, 0.3333, 120.5, 1e15, 1e16, 1e21, 1e-7, 12_345_678.9, 0.9999]
        let dates: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 0.999_999),
            Date(timeIntervalSince1970: 951_868_799.999_999),  // 2000-02-29T23:59:59.999999Z
            Date(timeIntervalSince1970: 1_776_218_400.5), Date(timeIntervalSince1970: 253_402_300_799),
            Date(timeIntervalSince1970: -0.5), Date(timeIntervalSince1970: -86_400 * 365.25 * 100),
            Date(timeIntervalSince1970: 253_402_300_800),
        ]
        var rows: [PatientActivityRow] = []
        for (index, double) in doubles.enumerated() {
            rows.append(
                Self.row(
                    "p\(index)", text: index == 0 ? Self.awkwardText : "Name \(index)", complete: true,
                    double: double, date: dates[index % dates.count]))
            rows.append(Self.row("q\(index)", complete: false, date: dates[0]))
        }
        for (index, date) in dates.enumerated() {
            rows.append(Self.row("d\(index)", complete: true, date: date))
        }
        try Self.expectSameBytes(
            PatientActivityExport(
                schemaVersion: 1, organizationID: "org_reportA", asOf: ReportFixture.asOf, patients: rows))
        try Self.expectSameBytes(
            PatientActivityExport(schemaVersion: 1, organizationID: "org_empty", asOf: dates[1], patients: []))
    }

    @Test("writes the bytes JSONEncoder writes for random rows")
    func randomRows() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(Self.awkwardText)
        var rows: [PatientActivityRow] = []
        for index in 0..<500 {
            let text = String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement()! })
            let date = Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator))
            rows.append(
                Self.row(
                    "r\(index)", text: text, complete: Bool.random(using: &generator),
                    double: (Double.random(in: 0...1, using: &generator) * 10_000).rounded() / 10_000, date: date))
        }
        try Self.expectSameBytes(
            PatientActivityExport(
                schemaVersion: 1, organizationID: "org_random", asOf: ReportFixture.asOf, patients: rows))
    }
}
