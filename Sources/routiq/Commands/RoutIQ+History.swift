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
                    print(try Self.json(entries))
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

        /// The entries as a JSON array, each run's `stats` as the JSON object it is rather than as text.
        static func json(_ entries: [RunHistory.Entry]) throws -> String {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            var objects = try JSONSerialization.jsonObject(with: try encoder.encode(entries)) as? [[String: Any]] ?? []
            for index in objects.indices {
                if let text = objects[index]["stats"] as? String,
                    let stats = try? JSONSerialization.jsonObject(with: Data(text.utf8))
                {
                    objects[index]["stats"] = stats
                }
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
    }
}
