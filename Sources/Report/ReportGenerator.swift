public import Foundation
public import Logging
import Pipeline

/// Turns the warehouse into what people read: per organization `summary.json`, `patients.json` and `report.html`,
/// and across organizations `index.json` and `index.html` (DESIGN §7, `docs/reports.md`).
///
/// The generator reads the warehouse as the API does: every organization's figures come from one reader transaction
/// (``ReportWarehouse/withReaderTransaction(organization:statementTimeout:logger:_:)``: read-only, repeatable read, as
/// `routiq_reader`, row-level security limited to the organization). The only thing it writes to the warehouse is each
/// organization's `summary.json` and `report.html`, the same bytes as the files
/// (``ReportWarehouse/store(_:organization:generatedAt:runID:logger:)``), so `routiq serve` needs no shared disk.
/// The caller passes the ``ReportWarehouse``; the windows figures are counted with come from the configuration, or
/// per organization from a ``Request``.
/// Output is reproducible: keys are sorted, `generated_at` is the `asOf` passed in (never the wall clock), so the same
/// warehouse and `asOf` give byte-identical files. Files are replaced atomically (temporary file, then rename) with
/// mode 0600, in folders with mode 0700, because they hold patient data.
public struct ReportGenerator: Sendable {
    /// What to write and where.
    public struct Configuration: Sendable {
        /// The `output/` folder; organizations get a sub-folder named by their id.
        public var outputDirectory: URL
        /// Which files to write; JSON and HTML by default.
        public var formats: Set<Format>
        /// Rarely changed settings.
        public var options: Options

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - outputDirectory: The `output/` folder.
        ///   - formats: Which files to write; `[.json, .html]` by default.
        ///   - options: Windows and list lengths; the defaults match the pipeline's.
        public init(outputDirectory: URL, formats: Set<Format> = [.json, .html], options: Options = .init()) {
            self.outputDirectory = outputDirectory
            self.formats = formats
            self.options = options
        }

        /// Windows and lengths, matching the scorer's defaults (`docs/scoring.md`).
        public struct Options: Sendable {
            /// The look-back window for attended / cancelled / did-not-arrive figures, local days; 90 by default.
            public var windowDays: Int
            /// Less notice than this many hours makes a cancellation late; 24 by default.
            public var lateCancellationHours: Int
            /// Length of the re-engagement list; 20 by default.
            public var priorityListLength: Int
            /// How many organizations ``ReportGenerator/generate(_:warehouse:logger:)`` writes at the same time, each
            /// on its own connection; 4 by default (at least 1).
            public var maximumConcurrentOrganizations: Int
            /// The longest one warehouse statement may run; 5 minutes by default. Streaming `patients.json` is one
            /// statement that lasts as long as the file takes to write, so this is far above the API's.
            public var statementTimeout: Duration

            /// Creates options; every argument has the default stated on its property.
            public init(
                windowDays: Int = 90, lateCancellationHours: Int = 24, priorityListLength: Int = 20,
                maximumConcurrentOrganizations: Int = 4, statementTimeout: Duration = .seconds(300)
            ) {
                self.windowDays = windowDays
                self.lateCancellationHours = lateCancellationHours
                self.priorityListLength = priorityListLength
                self.maximumConcurrentOrganizations = maximumConcurrentOrganizations
                self.statementTimeout = statementTimeout
            }
        }
    }

    /// One organization's files to write with ``generate(_:warehouse:logger:)``.
    public struct Request: Sendable, Hashable {
        /// The Clerk organization id (`org_…`).
        public var organization: String
        /// The instant figures are computed as of; also the documents' `generated_at`.
        public var asOf: Date
        /// The run that loaded the warehouse, when known.
        public var runID: UUID?
        /// The windows the organization was scored with, when they differ from the configuration's (a run records
        /// its pipeline's, so regenerated reports agree with the per-patient figures); `nil` for the configuration's.
        public var windows: Windows?

        /// Creates a request.
        public init(organization: String, asOf: Date, runID: UUID?, windows: Windows? = nil) {
            self.organization = organization
            self.asOf = asOf
            self.runID = runID
            self.windows = windows
        }
    }

    /// The look-back window and late-cancellation notice that figures are counted with (the pipeline's
    /// `score_activity` settings).
    public struct Windows: Sendable, Hashable {
        /// The look-back window for attended / cancelled / did-not-arrive figures, local days.
        public var windowDays: Int
        /// Less notice than this many hours makes a cancellation late.
        public var lateCancellationHours: Int

        /// Creates windows.
        public init(windowDays: Int, lateCancellationHours: Int) {
            self.windowDays = windowDays
            self.lateCancellationHours = lateCancellationHours
        }
    }

    /// A kind of output file.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// `summary.json`, `patients.json`, `index.json`.
        case json
        /// `report.html`, `index.html`.
        case html
    }

    /// The configuration the generator was created with.
    public let configuration: Configuration

    /// Creates a generator.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Reads one organization's figures from the warehouse without writing anything.
    ///
    /// - Parameters:
    ///   - organization: The Clerk organization id (`org_…`).
    ///   - asOf: The instant figures are computed as of; also the document's `generated_at`.
    ///   - runID: The run that loaded the warehouse, when known; its quarantine counts are shown as the latest run's.
    ///   - windows: The windows the organization was scored with; `nil` (the default) for the configuration's.
    ///   - warehouse: The warehouse to read.
    ///   - logger: For the queries.
    /// - Returns: The summary.
    /// - Throws: ``ReportError`` with ``ReportError/Code/organizationNotFound``, or the database's errors.
    public func makeSummary(
        organization: String, asOf: Date, runID: UUID?, windows: Windows? = nil, warehouse: some ReportWarehouse,
        logger: Logger
    ) async throws -> OrganizationSummary {
        let id = try Self.validate(organization)
        let options = options(for: windows)
        return try await warehouse.withReaderTransaction(
            organization: id, statementTimeout: options.statementTimeout, logger: logger
        ) { connection in
            let queries = ReportQueries(
                connection: connection, organization: organization, asOf: asOf, options: options, logger: logger)
            return try await Self.summary(queries: queries, runID: runID)
        }
    }

    /// Writes one organization's files: `<output>/<org>/summary.json`, `patients.json` and `report.html`.
    ///
    /// - Parameters:
    ///   - organization: The Clerk organization id (`org_…`).
    ///   - asOf: The instant figures are computed as of; also the documents' `generated_at`.
    ///   - runID: The run that loaded the warehouse, when known.
    ///   - windows: The windows the organization was scored with; `nil` (the default) for the configuration's.
    ///   - warehouse: The warehouse to read, and to store `summary.json` and `report.html` in.
    ///   - logger: For the queries; the generator logs at debug only.
    /// - Returns: The files written and the summary they hold.
    /// - Throws: ``ReportError`` or the database's errors.
    @discardableResult
    public func generate(
        organization: String, asOf: Date, runID: UUID?, windows: Windows? = nil, warehouse: some ReportWarehouse,
        logger: Logger
    ) async throws -> ReportFiles {
        let id = try Self.validate(organization)
        let started = ContinuousClock.now
        var logger = logger
        logger[metadataKey: "routiq.org"] = "\(organization)"
        logger.debug("writing reports")
        let wantsJSON = configuration.formats.contains(.json)
        let writer = AtomicFileWriter()
        let directory = configuration.outputDirectory.appendingPathComponent(organization, isDirectory: true)
        let patientsURL = directory.appendingPathComponent("patients.json")
        let options = options(for: windows)
        let summary = try await warehouse.withReaderTransaction(
            organization: id, statementTimeout: options.statementTimeout, logger: logger
        ) { connection in
            let queries = ReportQueries(
                connection: connection, organization: organization, asOf: asOf, options: options, logger: logger)
            let summary = try await Self.summary(queries: queries, runID: runID)
            try writer.makeDirectory(configuration.outputDirectory)
            try writer.makeDirectory(directory)
            if wantsJSON {
                // Streamed from the same snapshot as the summary, a buffer at a time.
                let file = try writer.begin(patientsURL)
                var stream = PatientActivityJSONStream(
                    organizationID: organization, asOf: asOf,
                    schemaVersion: OrganizationSummary.currentSchemaVersion)
                try await queries.forEachPatientRow { row in
                    stream.append(row)
                    if stream.pendingByteCount >= 1 << 16 { try stream.drain(file.write) }
                }
                stream.finish()
                try stream.drain(file.write)
                try file.commit()
            }
            return summary
        }
        var files = ReportFiles(organization: organization, directory: directory, summary: summary)
        // What is written to the files is stored in the warehouse afterwards, byte for byte.
        var documents: [GeneratedDocument] = []
        if wantsJSON {
            let summaryURL = directory.appendingPathComponent("summary.json")
            let content = try ReportJSON.encode(summary)
            try writer.write(content, to: summaryURL)
            files.summaryJSON = summaryURL
            files.patientsJSON = patientsURL
            documents.append(GeneratedDocument(kind: .summary, content: Array(content)))
        }
        if configuration.formats.contains(.html) {
            let htmlURL = directory.appendingPathComponent("report.html")
            let content = Data(HTMLReportWriter().render(summary).utf8)
            try writer.write(content, to: htmlURL)
            files.reportHTML = htmlURL
            documents.append(GeneratedDocument(kind: .html, content: Array(content)))
        }
        if !documents.isEmpty {
            try await warehouse.store(documents, organization: id, generatedAt: asOf, runID: runID, logger: logger)
        }
        let elapsed = (ContinuousClock.now - started).components
        let milliseconds = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
        logger.debug(
            "report written",
            metadata: ["routiq.rows": "\(summary.patients.total)", "routiq.duration_ms": "\(milliseconds)"])
        return files
    }

    /// The configuration's options with `windows` in place of its own, when given.
    private func options(for windows: Windows?) -> Configuration.Options {
        var options = configuration.options
        if let windows {
            options.windowDays = windows.windowDays
            options.lateCancellationHours = windows.lateCancellationHours
        }
        return options
    }

    /// Writes several organizations' files, up to ``Configuration/Options/maximumConcurrentOrganizations`` at a time,
    /// and returns each one's outcome in the order asked.
    ///
    /// Each organization is written exactly as ``generate(organization:asOf:runID:windows:warehouse:logger:)`` writes
    /// it, in its own transaction on its own connection; running several at once overlaps one organization's queries
    /// with another's encoding and file writes. An organization that fails does not stop the others: its result holds the
    /// error. Pass the summaries of the successes to ``writeIndex(summaries:asOf:)``.
    ///
    /// - Parameters:
    ///   - requests: The organizations, with the instant and run for each.
    ///   - warehouse: The warehouse; it needs as many connections as organizations run at once.
    ///   - logger: For the queries.
    /// - Returns: One result per request, in the same order.
    public func generate(_ requests: [Request], warehouse: some ReportWarehouse, logger: Logger) async
        -> [Result<ReportFiles, any Error>]
    {
        let width = max(1, configuration.options.maximumConcurrentOrganizations)
        var results = [Result<ReportFiles, any Error>?](repeating: nil, count: requests.count)
        await withTaskGroup(of: (Int, Result<ReportFiles, any Error>).self) { group in
            for (index, request) in requests.enumerated() {
                if index >= width, let (done, result) = await group.next() {
                    results[done] = result
                }
                group.addTask {
                    do {
                        let files = try await generate(
                            organization: request.organization, asOf: request.asOf, runID: request.runID,
                            windows: request.windows, warehouse: warehouse, logger: logger)
                        return (index, .success(files))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for await (done, result) in group {
                results[done] = result
            }
        }
        return results.map { $0! }
    }

    /// Writes `<output>/index.json` and `index.html` listing `organizations` with their headline numbers.
    ///
    /// Reads each organization's summary again from the warehouse; use ``writeIndex(summaries:asOf:)`` with the
    /// summaries ``generate(organization:asOf:runID:windows:warehouse:logger:)`` returned to avoid that. Figures are
    /// counted with the configuration's windows.
    ///
    /// - Parameters:
    ///   - organizations: The Clerk ids; listed sorted by id.
    ///   - asOf: The index's `generated_at` and the instant the figures are as of.
    ///   - warehouse: The warehouse to read.
    ///   - logger: For the queries.
    /// - Throws: ``ReportError`` or the database's errors.
    public func writeIndex(
        organizations: [String], asOf: Date, warehouse: some ReportWarehouse, logger: Logger
    ) async throws {
        var summaries: [OrganizationSummary] = []
        for organization in Set(organizations).sorted() {
            summaries.append(
                try await makeSummary(
                    organization: organization, asOf: asOf, runID: nil, warehouse: warehouse, logger: logger))
        }
        try await writeIndex(summaries: summaries, asOf: asOf, warehouse: warehouse, logger: logger)
    }

    /// Writes `<output>/index.json` and `index.html`: the organizations of `summaries`, and every other organization
    /// that already has reports in the output folder (its `summary.json`), so a run of some organizations (`--org`,
    /// or one that failed) never drops the others from the index.
    ///
    /// - Parameters:
    ///   - summaries: The organizations just written; listed sorted by id with the others.
    ///   - asOf: The index's `generated_at`.
    /// - Throws: ``ReportError`` when a file cannot be written.
    public func writeIndex(summaries: [OrganizationSummary], asOf: Date) throws {
        try writeIndex(
            complete: summaries + existingSummaries(excluding: Set(summaries.map(\.organization.organizationID))),
            asOf: asOf)
    }

    /// ``writeIndex(summaries:asOf:)``, also listing organizations whose folder has a `report.html` but no
    /// `summary.json` (HTML-only output), with their figures read from the warehouse.
    ///
    /// - Parameters:
    ///   - summaries: The organizations just written; listed sorted by id with the others.
    ///   - asOf: The index's `generated_at` and the instant the HTML-only organizations' figures are as of.
    ///   - windows: The windows HTML-only organizations were scored with, by organization id; an organization not in
    ///     it is counted with the configuration's. Empty by default.
    ///   - warehouse: The warehouse to read.
    ///   - logger: For the queries.
    /// - Throws: ``ReportError`` when a file cannot be written.
    public func writeIndex(
        summaries: [OrganizationSummary], asOf: Date, windows: [String: Windows] = [:],
        warehouse: some ReportWarehouse, logger: Logger
    ) async throws {
        var all = summaries
        all += existingSummaries(excluding: Set(all.map(\.organization.organizationID)))
        let listed = Set(all.map(\.organization.organizationID))
        for organization in reportFolders().filter({ !listed.contains($0.organization) && $0.hasHTML }) {
            if let summary = try? await makeSummary(
                organization: organization.organization, asOf: asOf, runID: nil,
                windows: windows[organization.organization], warehouse: warehouse, logger: logger)
            {
                all.append(summary)
            }
        }
        try writeIndex(complete: all, asOf: asOf)
    }

    /// The organizations with a folder of reports in the output folder.
    private func reportFolders() -> [(organization: String, hasSummary: Bool, hasHTML: Bool)] {
        let manager = FileManager.default
        guard
            let names = try? manager.contentsOfDirectory(atPath: configuration.outputDirectory.path)
        else { return [] }
        return names.sorted().compactMap { name in
            guard (try? Self.validate(name)) != nil else { return nil }
            let folder = configuration.outputDirectory.appendingPathComponent(name, isDirectory: true)
            let hasSummary = manager.fileExists(atPath: folder.appendingPathComponent("summary.json").path)
            let hasHTML = manager.fileExists(atPath: folder.appendingPathComponent("report.html").path)
            return hasSummary || hasHTML ? (name, hasSummary, hasHTML) : nil
        }
    }

    /// The `summary.json` of every organization in the output folder but `excluded`; an unreadable one is left out.
    private func existingSummaries(excluding excluded: Set<String>) -> [OrganizationSummary] {
        let decoder = ReportJSON.makeDecoder()
        return reportFolders().filter { $0.hasSummary && !excluded.contains($0.organization) }.compactMap { folder in
            let url = configuration.outputDirectory.appendingPathComponent(folder.organization)
                .appendingPathComponent("summary.json")
            guard let data = FileManager.default.contents(atPath: url.path),
                let summary = try? decoder.decode(OrganizationSummary.self, from: data),
                summary.organization.organizationID == folder.organization
            else { return nil }
            return summary
        }
    }

    private func writeIndex(complete summaries: [OrganizationSummary], asOf: Date) throws {
        let sorted = summaries.sorted { $0.organization.organizationID < $1.organization.organizationID }
        let index = ReportIndex(
            schemaVersion: OrganizationSummary.currentSchemaVersion, generatedAt: asOf,
            organizations: sorted.map { summary in
                let id = summary.organization.organizationID
                return ReportIndex.Entry(
                    organizationID: id, name: summary.organization.name, asOf: summary.asOf,
                    totalPatients: summary.dashboard.totalPatients, activePatients: summary.dashboard.activePatients,
                    highRiskPatients: summary.patients.byRiskLevel["high"] ?? 0,
                    upcomingAppointments: summary.appointments.upcoming,
                    attendanceRate: summary.appointments.attendanceRate, lastSyncTime: summary.dashboard.lastSyncTime,
                    integrationStatus: summary.dashboard.integrationStatus, summaryPath: "\(id)/summary.json",
                    reportPath: "\(id)/report.html")
            })
        let writer = AtomicFileWriter()
        try writer.makeDirectory(configuration.outputDirectory)
        if configuration.formats.contains(.json) {
            try writer.write(
                try ReportJSON.encode(index), to: configuration.outputDirectory.appendingPathComponent("index.json"))
        }
        if configuration.formats.contains(.html) {
            let zones = Dictionary(
                sorted.map { ($0.organization.organizationID, $0.organization.timeZone) },
                uniquingKeysWith: { a, _ in a })
            try writer.write(
                Data(HTMLReportWriter().renderIndex(index, timeZones: zones).utf8),
                to: configuration.outputDirectory.appendingPathComponent("index.html"))
        }
    }

    @discardableResult
    private static func validate(_ organization: String) throws -> OrganizationID {
        guard let id = OrganizationID(organization) else {
            throw ReportError(.invalidOrganizationID, "not an organization id (expected org_ and letters or digits)")
        }
        return id
    }

    private static func summary(queries: ReportQueries, runID: UUID?) async throws -> OrganizationSummary {
        guard let organization = try await queries.organizationInfo() else {
            throw ReportError(.organizationNotFound, "organization \(queries.organization) is not in the warehouse")
        }
        let patients = try await queries.patientTotals()
        let sums = try await queries.patientSums()
        let sync = try await queries.sync(runID: runID)
        let share = { (part: Int, whole: Int) -> Double in
            whole == 0 ? 0 : ReportQueries.rounded(Double(part) * 100 / Double(whole), places: 1)
        }
        let average = { (part: Int) -> Double in
            patients.total == 0 ? 0 : ReportQueries.rounded(Double(part) / Double(patients.total), places: 2)
        }
        let integrationStatus: String =
            switch sync.recentSyncs.first(where: { $0.status != "running" })?.status {
            case nil: "never_synced"
            case "succeeded"?, "skipped"?: "active"
            default: "error"
            }
        let dashboard = DashboardSummary(
            organizationID: organization.organizationID, totalPatients: patients.total,
            activePatients: sums.activePatients, patientsWithUpcoming: sums.patientsWithUpcoming,
            patientsWithRecent: sums.patientsWithRecent, totalUpcomingAppointments: sums.upcoming,
            totalRecentAppointments: sums.recent, totalAllAppointments: sums.all,
            avgUpcomingPerPatient: average(sums.upcoming), avgRecentPerPatient: average(sums.recent),
            avgTotalPerPatient: average(sums.all), engagementRate: share(sums.activePatients, patients.total),
            lastSyncTime: sync.lastSuccessfulSyncAt, syncedPatients: sums.synced,
            syncPercentage: share(patients.total, sums.synced), integrationStatus: integrationStatus,
            activityStatus: sums.activePatients > 0 ? "active" : "inactive", generatedAt: queries.asOf)
        var reEngagement = ReEngagementSummary(
            riskDistribution: patients.byRiskLevel, engagementDistribution: patients.byEngagement,
            actionPriorities: Dictionary(
                uniqueKeysWithValues: ReportQueries.priorityNames.map { entry in
                    (entry.value, patients.byActionPriority[String(entry.key)] ?? 0)
                }),
            priorityPatients: try await queries.priorityPatients(limit: queries.options.priorityListLength))
        try await queries.addReengagementFigures(to: &reEngagement)
        return OrganizationSummary(
            schemaVersion: OrganizationSummary.currentSchemaVersion, organization: organization,
            generatedAt: queries.asOf, asOf: queries.asOf, runID: runID, patients: patients,
            appointments: try await queries.appointmentTotals(), appointmentTypes: try await queries.appointmentTypes(),
            weeklySeries: try await queries.weeklySeries(),
            chatwoot: try await queries.chatwoot(contacted30d: sums.contacted30d), reEngagement: reEngagement,
            sync: sync, dashboard: dashboard)
    }
}
