// ReportBenchmark: how long ReportGenerator takes to write every organization's reports (summary.json,
// patients.json, report.html) and the index, from a warehouse shaped like a real run's. Prints figures; asserts
// nothing about time (STYLE rule 37).
//
//     swift run -c release ReportBenchmark [organizations] [patients-per-organization] [rounds]
//
// Defaults: 100 organizations × 2,000 patients, 3 rounds. Each round writes everything twice into fresh temporary
// folders: one organization after the other with `generate(organization:…)`, and with `generate(_:warehouse:logger:)`,
// several organizations at once (Options.maximumConcurrentOrganizations), as `routiq run` and `routiq report` call it.
// Both are followed by `writeIndex(summaries:asOf:)`.
//
// The database is a throwaway one on DATABASE_URL's server when that is set, else on the embedded cluster the tests
// use (started through the product's code in a per-user folder under the temporary directory); it is dropped at the
// end. Besides wall-clock time it prints this process's CPU time and, when the server runs on this machine, the
// CPU time of the server processes serving the benchmark: on a shared machine those vary less than the clock.

import Foundation
import Load
import Logging
import PostgresNIO
import Report
import Runner

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments.dropFirst()
let organizationCount = max(1, arguments.first.flatMap { Int($0) } ?? 100)
let patientsPerOrganization = max(1, arguments.dropFirst().first.flatMap { Int($0) } ?? 2_000)
let rounds = max(1, arguments.dropFirst(2).first.flatMap { Int($0) } ?? 3)
var logger = Logger(label: "routiq.report.benchmark")
logger.logLevel = .warning
/// Wednesday 15 April 2026, 12:00 in Sydney.
let asOf = Date(timeIntervalSince1970: 1_776_218_400)
let runID = UUID(uuidString: "0C0FFEE0-0000-4000-8000-000000000001")!

/// Resident set size and its peak in MiB (Linux), from `/proc/self/status`.
func memory() -> (current: Double, peak: Double) {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
    func value(_ key: String) -> Double {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
    return (value("VmRSS:"), value("VmHWM:"))
}

/// Resets the peak resident set size to the current one (Linux).
func resetPeakMemory() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// This process's CPU time (user and system), in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// The CPU time (user and system, in seconds) of the server processes connected to `database`, from `/proc`; `nil`
/// when the server is not on this machine or its processes are not readable.
func serverCPUSeconds(database: String, client: PostgresClient) async throws -> Double? {
    let rows = try await client.query("SELECT pid FROM pg_stat_activity WHERE datname = \(database)", logger: logger)
    let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    var total = 0.0
    for try await pid in rows.decode(Int.self) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let name = stat.lastIndex(of: ")")
        else { return nil }
        // After the command name: the state, then utime and stime as the 12th and 13th fields (proc(5)).
        let fields = stat[stat.index(after: name)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        total += (user + system) / ticksPerSecond
    }
    return total
}

/// Files and bytes under `folder`.
func footprint(_ folder: URL) -> (files: Int, bytes: Int) {
    var files = 0
    var bytes = 0
    let enumerator = FileManager.default.enumerator(
        at: folder, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
        guard let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey]),
            values.isRegularFile == true
        else { continue }
        files += 1
        bytes += values.fileSize ?? 0
    }
    return (files, bytes)
}

/// `DATABASE_URL`'s server, else the tests' embedded cluster, started on demand.
func serverEndpoint() async throws -> DatabaseEndpoint {
    let environment = ProcessInfo.processInfo.environment
    if let url = environment["DATABASE_URL"], !url.isEmpty {
        return try DatabaseEndpoint(url: url).with(database: "postgres")
    }
    let cluster = EmbeddedCluster(
        configuration: .init(
            home: FileManager.default.temporaryDirectory.appendingPathComponent("routiq-tests-\(getuid())"),
            binDirectory: environment["ROUTIQ_PG_BINDIR"],
            searchPath: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            serverUser: environment["ROUTIQ_PG_USER"]))
    return try await cluster.start(logger: logger).with(database: "postgres")
}

/// Writes every organization's files and the index once, one organization at a time or several at once, and prints
/// the figures.
func measure(concurrently: Bool, organizations: [String], database: String, client: PostgresClient) async throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-report-bench-\(UUID())")
    defer { try? FileManager.default.removeItem(at: output) }
    let generator = ReportGenerator(configuration: .init(outputDirectory: output))
    let warehouse = WarehouseReportAccess(client: client)
    let serverBefore = try await serverCPUSeconds(database: database, client: client)
    resetPeakMemory()
    let cpuBefore = processCPUSeconds()
    let start = ContinuousClock.now
    var summaries: [OrganizationSummary] = []
    if concurrently {
        let results = await generator.generate(
            organizations.map { .init(organization: $0, asOf: asOf, runID: runID) }, warehouse: warehouse,
            logger: logger)
        summaries = try results.map { try $0.get().summary }
    } else {
        for organization in organizations {
            summaries.append(
                try await generator.generate(
                    organization: organization, asOf: asOf, runID: runID, warehouse: warehouse, logger: logger
                ).summary)
        }
    }
    try generator.writeIndex(summaries: summaries, asOf: asOf)
    let wall = seconds(ContinuousClock.now - start)
    let cpu = processCPUSeconds() - cpuBefore
    let peak = memory().peak
    let server = try await serverCPUSeconds(database: database, client: client).flatMap { after in
        serverBefore.map { String(format: "%.2f s", after - $0) }
    }
    let (files, bytes) = footprint(output)
    let mode =
        concurrently
        ? "\(generator.configuration.options.maximumConcurrentOrganizations) at a time" : "one at a time"
    print(
        String(
            format: "  %@: %.2f s, %.1f ms per organization; %d files, %.1f MiB; CPU %.2f s here, %@ in the server; "
                + "peak RSS %.0f MiB",
            mode.padding(toLength: 13, withPad: " ", startingAt: 0), wall, wall * 1000 / Double(organizations.count),
            files, Double(bytes) / 1_048_576, cpu, server ?? "not measured", peak))
}

func run(database: String, client: PostgresClient) async throws {
    _ = try await SchemaMigrator(migrations: SchemaMigration.bundled()).migrate(client: client, logger: logger)
    let filler = WarehouseFiller(
        organizations: organizationCount, patientsPerOrganization: patientsPerOrganization, asOf: asOf, runID: runID)
    let fillStart = ContinuousClock.now
    let counts = try await filler.fill(client: client, logger: logger)
    print(
        String(
            format: "warehouse: %d organizations × %d patients, filled in %.0f s", organizationCount,
            patientsPerOrganization, seconds(ContinuousClock.now - fillStart)))
    print("  " + counts.map { "\($0.table) \($0.rows)" }.joined(separator: ", "))
    for round in 1...rounds {
        print("round \(round): \(organizationCount) organizations' reports and the index")
        for concurrently in [false, true] {
            try await measure(
                concurrently: concurrently, organizations: filler.organizationIDs, database: database, client: client)
        }
    }
}

do {
    let server = try await serverEndpoint()
    let name = "routiq_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    let administrator = DatabaseAdministrator(endpoint: server)
    try await administrator.createDatabaseIfNeeded(named: name, logger: logger)
    do {
        try await withPostgresClient(endpoint: server.with(database: name), logger: logger) { client in
            try await run(database: name, client: client)
        }
        try await administrator.dropDatabase(named: name, logger: logger)
    } catch {
        try? await administrator.dropDatabase(named: name, logger: logger)
        throw error
    }
} catch {
    // A benchmark's database holds no secrets: show the details PSQLError keeps out of `description`.
    FileHandle.standardError.write(Data("ReportBenchmark failed: \(String(reflecting: error))\n".utf8))
    exit(1)
}
