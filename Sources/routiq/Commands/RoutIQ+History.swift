import ArgumentParser
import Foundation
import Load
import Logging

extension RoutIQ {
    /// `routiq history`: past runs from `sync_runs`.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recent pipeline runs, newest first.")

        @Option(help: ArgumentHelp("Only this organization's runs.", valueName: "org-id"))
        var org: String?

        @Option(help: "At most this many runs.")
        var limit: Int = 20

        @Flag(help: "Print the run records as JSON.")
        var json = false

        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        }

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            try await CommandFailure.reporting {
                let entries = try await DatabaseContext(environment: environment).withMigratedDatabase(logger: logger) {
                    try await RunHistory(client: $0).recent(organization: org, limit: limit, logger: logger)
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    encoder.dateEncodingStrategy = .iso8601
                    print(String(decoding: try encoder.encode(entries), as: UTF8.self))
                    return
                }
                guard !entries.isEmpty else {
                    print("No runs recorded yet.")
                    return
                }
                let formatter = ISO8601DateFormatter()
                var table = TextTable([
                    "STARTED", "ORGANIZATION", "PIPELINE", "MODE", "STATUS", "SECONDS", "READ", "INSERTED", "UPDATED",
                    "QUARANTINED",
                ])
                for entry in entries {
                    let seconds =
                        entry.finishedAt.map { String(format: "%.1f", $0.timeIntervalSince(entry.startedAt)) } ?? "-"
                    table.append([
                        formatter.string(from: entry.startedAt), entry.organizationID, entry.pipeline, entry.mode,
                        entry.status,
                        seconds, String(entry.recordsRead), String(entry.recordsInserted), String(entry.recordsUpdated),
                        String(entry.recordsQuarantined),
                    ])
                }
                print(table.rendered)
            }
        }
    }
}
