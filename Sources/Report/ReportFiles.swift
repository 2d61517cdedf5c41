public import Foundation

/// The files ``ReportGenerator/generate(organization:asOf:runID:windows:warehouse:logger:)`` wrote for one organization.
public struct ReportFiles: Sendable {
    /// The Clerk id.
    public var organization: String
    /// `<output>/<org>/`.
    public var directory: URL
    /// The summary written (also what ``ReportGenerator/writeIndex(summaries:asOf:)`` takes).
    public var summary: OrganizationSummary
    /// `summary.json`, when JSON was asked for.
    public var summaryJSON: URL?
    /// `patients.json`, when JSON was asked for.
    public var patientsJSON: URL?
    /// `report.html`, when HTML was asked for.
    public var reportHTML: URL?
}
