import ArgumentParser
import Foundation
import Load
import Logging
import Pipeline

extension RoutIQ {
    /// `routiq quarantine`: the records runs could not load.
    struct Quarantine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the records runs could not load.",
            discussion: """
                A record that cannot be decoded or holds a value its column cannot take is quarantined with its \
                reason and raw payload, and the rest of its organization loads. It stays open until a later run \
                loads it (open records are re-read by id on every run where the API allows it), the source no \
                longer has it, or a later run quarantines it again.
                """,
            subcommands: [List.self]
        )
    }
}

extension RoutIQ.Quarantine {
    /// `routiq quarantine list`: open (or every) quarantined record, newest first, without raw payloads.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List quarantined records, newest first: source, resource, id and reason (never the payload).")

        @Option(
            name: .customLong("org"), help: ArgumentHelp("Only this organization (repeatable).", valueName: "org-id"))
        var organizations: [String] = []

        @Flag(help: "Also list records that were settled since: loaded by a later run, gone, or quarantined again.")
        var all = false

        @Option(help: "At most this many records.")
        var limit: Int = 100

        @Flag(help: "Print the records as JSON.")
        var json = false

        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000") }
            for organization in organizations where OrganizationID(organization) == nil {
                throw ValidationError(
                    "'\(organization)' is not a well-formed organization id (expected \(OrganizationID.formatDescription))"
                )
            }
        }

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            try await CommandFailure.reporting {
                let entries = try await DatabaseContext(environment: environment).withMigratedDatabase(logger: logger) {
                    try await QuarantineStore.list(
                        organizations: organizations, includingSettled: all, limit: limit, client: $0, logger: logger)
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.dateEncodingStrategy = .iso8601
                    encoder.keyEncodingStrategy = .convertToSnakeCase
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(entries), as: UTF8.self))
                    return
                }
                guard !entries.isEmpty else {
                    print(all ? "Nothing was ever quarantined." : "No record is in quarantine.")
                    return
                }
                let formatter = ISO8601DateFormatter()
                var table = TextTable(["QUARANTINED", "ORGANIZATION", "SOURCE", "RESOURCE", "ID", "STATE", "REASON"])
                for entry in entries {
                    table.append([
                        formatter.string(from: entry.createdAt), entry.organization, entry.source, entry.resource,
                        entry.sourceID ?? "-", entry.resolution ?? "open", entry.reason,
                    ])
                }
                print(table.rendered)
                if entries.count == limit { print("(the first \(limit); raise --limit for more)") }
            }
        }
    }
}
