import Foundation
import Pipeline
import Report
import Testing

@testable import Runner

/// The report stage takes its windows from the pipeline, so `summary.json` agrees with the per-patient figures.
@Suite("report stage settings")
struct ReportStageTests {
    static func definition(scoring: String) throws -> PipelineDefinition {
        let yaml = """
            version: 1
            name: windows
            organizations: all
            http:
              contact_email: tests@routiq.invalid
            stages:
              - extract: cliniko
              - load: postgres
            \(scoring)
              - report: json
            """
        let parsed = PipelineFileParser(configuration: .init(environment: [:])).parse(
            text: yaml, file: "windows.yml")
        return try #require(parsed.definition, "\(parsed.diagnostics)")
    }

    @Test("the score_activity stage's windows are the report's; its defaults when there is none")
    func windowsFromPipeline() throws {
        let custom = try Self.definition(
            scoring: """
                  - transform: score_activity
                    attendance_window_days: 60
                    late_cancellation_hours: 48
                """)
        #expect(ReportStage(definition: custom).windows == .init(windowDays: 60, lateCancellationHours: 48))
        let plain = try Self.definition(scoring: "")
        #expect(ReportStage(definition: plain).windows == .init(windowDays: 90, lateCancellationHours: 24))
    }
}
