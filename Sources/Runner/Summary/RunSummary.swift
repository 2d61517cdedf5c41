package import Foundation

/// What a run did, for the end-of-run table and the `--metrics-json` document.
package struct RunSummary: Encodable {
    /// The run's id.
    package let runID: UUID
    /// The pipeline's name.
    package let pipeline: String
    /// Each organization's outcome.
    package let outcomes: [OrganizationOutcome]
    /// How long the run took, in seconds.
    package let seconds: Double

    /// The process's peak resident memory, in bytes.
    package var peakResidentBytes: Int { RunStatistics.peakResidentBytes }

    /// Sums up a run.
    ///
    /// - Parameters:
    ///   - runID: The run's id.
    ///   - pipeline: The pipeline's name.
    ///   - outcomes: Each organization's outcome.
    ///   - seconds: How long the run took.
    package init(runID: UUID, pipeline: String, outcomes: [OrganizationOutcome], seconds: Double) {
        self.runID = runID
        self.pipeline = pipeline
        self.outcomes = outcomes
        self.seconds = seconds
    }

    /// Writes the summary as the `--metrics-json` document: pretty-printed JSON with sorted, snake-case keys.
    ///
    /// - Parameter path: The file; replaced atomically.
    /// - Throws: When the file cannot be written.
    package func writeMetrics(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", pipeline, outcomes, seconds, peakResidentBytes
    }

    /// Encodes the run's id, pipeline, outcomes, duration and peak memory.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(runID, forKey: .runID)
        try container.encode(pipeline, forKey: .pipeline)
        try container.encode(outcomes, forKey: .outcomes)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(peakResidentBytes, forKey: .peakResidentBytes)
    }
}
