import ArgumentParser
import Foundation
import Load
import Logging
import Pipeline
import Report
import Runner

extension RoutIQ {
    /// `routiq report`: regenerates reports from the warehouse without extracting anything.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Regenerate the JSON and HTML reports from the warehouse, without extracting anything.",
            discussion: """
                Writes OUTPUT/<org>/summary.json, patients.json and report.html for each organization, and \
                OUTPUT/index.json and index.html. The same warehouse and --as-of give byte-identical files.
                """
        )

        @Option(
            name: .customLong("org"), help: ArgumentHelp("Only this organization (repeatable).", valueName: "org-id"))
        var organizations: [String] = []

        @Option(
            help: ArgumentHelp(
                "The instant the reports describe, ISO-8601; each organization's last successful run by default.",
                valueName: "instant"
            )
        )
        var asOf: String?

        @Option(help: ArgumentHelp("The output folder.", valueName: "dir"))
        var output: String = "output"

        @OptionGroup var options: GlobalOptions

        func validate() throws {
            for organization in organizations where OrganizationID(organization) == nil {
                throw ValidationError(
                    "'\(organization)' is not a well-formed organization id (expected \(OrganizationID.formatDescription))"
                )
            }
            if let asOf, Instant.parse(asOf) == nil {
                throw ValidationError("--as-of must be an ISO-8601 instant such as 2026-03-01T00:00:00Z")
            }
        }

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            let fixedAsOf = asOf.flatMap(Instant.parse)
            let generator = ReportGenerator(
                configuration: .init(outputDirectory: URL(fileURLWithPath: output, isDirectory: true))
            )
            try await CommandFailure.reporting {
                try await DatabaseContext(environment: environment).withMigratedDatabase(logger: logger) { client in
                    let warehouse = WarehouseReportAccess(client: client)
                    let registered = try await OrganizationStore(client: client).list(logger: logger).map(\.id)
                    let unknown = organizations.filter { !registered.contains($0) }
                    guard unknown.isEmpty else {
                        throw DatabaseError(
                            .notFound, "organizations not registered: \(unknown.joined(separator: ", "))")
                    }
                    let selected = organizations.isEmpty ? registered : organizations
                    // Every organization's last run, also those not selected: the index may read the figures of an
                    // organization whose folder holds only report.html, with the windows its run recorded.
                    var lastRuns: [String: (UUID?, Date?, ReportGenerator.Windows?)] = [:]
                    for organization in registered {
                        lastRuns[organization] = try await Self.lastRun(
                            organization, history: RunHistory(client: client), logger: logger)
                    }
                    let requests = selected.map { organization in
                        let (runID, runAsOf, windows) = lastRuns[organization] ?? (nil, nil, nil)
                        return ReportGenerator.Request(
                            organization: organization, asOf: fixedAsOf ?? runAsOf ?? Date(), runID: runID,
                            windows: windows)
                    }
                    let recordedWindows = lastRuns.compactMapValues { $0.2 }
                    var summaries: [OrganizationSummary] = []
                    var failures = 0
                    for (request, result) in zip(
                        requests, await generator.generate(requests, warehouse: warehouse, logger: logger))
                    {
                        switch result {
                        case .success(let files):
                            summaries.append(files.summary)
                            print("\(request.organization): \(files.directory.path)")
                        case .failure(let error):
                            failures += 1
                            CommandFailure.printError(
                                "\(request.organization): the reports could not be written: \(error)")
                        }
                    }
                    let latest = requests.map(\.asOf).max() ?? Date()
                    try await generator.writeIndex(
                        summaries: summaries, asOf: fixedAsOf ?? latest, windows: recordedWindows,
                        warehouse: warehouse, logger: logger)
                    print("Index: \(URL(fileURLWithPath: output).appendingPathComponent("index.html").path)")
                    if failures > 0 { throw CommandFailure.someOrganizationsFailed }
                }
            }
        }

        /// The organization's last successful run, the instant it scored as of, and the windows it scored with
        /// (recorded in its statistics; `nil` for runs that did not record them).
        static func lastRun(_ organization: String, history: RunHistory, logger: Logger) async throws -> (
            UUID?, Date?, ReportGenerator.Windows?
        ) {
            guard let run = try await history.lastSuccess(organization: organization, logger: logger) else {
                return (nil, nil, nil)
            }
            let windows = run.attendanceWindowDays.flatMap { days in
                run.lateCancellationHours.map { ReportGenerator.Windows(windowDays: days, lateCancellationHours: $0) }
            }
            return (run.runID, run.asOf, windows)
        }
    }
}
