import Foundation
import Logging
import Pipeline
import PostgresNIO
import TestSupport
import Testing

@testable import Load

@Suite("Report documents in the warehouse: stored byte for byte, strong entity tags, one organization per reader")
struct ReportDocumentStoreTests {
    static let organizationA = OrganizationID("org_documentsA")!
    static let organizationB = OrganizationID("org_documentsB")!
    static let generatedAt = Date(timeIntervalSince1970: 1_780_000_000)

    @Test("the entity tag is the first 32 hex digits of the SHA-256, quoted")
    func etagFormat() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        #expect(ReportDocument.etag(of: Array("abc".utf8)) == "\"ba7816bf8f01cfea414140de5dae2223\"")
        // SHA-256("") = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
        #expect(ReportDocument.etag(of: []) == "\"e3b0c44298fc1c149afbf4c8996fb924\"")
        let tag = ReportDocument.etag(of: [0, 1, 2, 255])
        #expect(tag.count == 34 && tag.hasPrefix("\"") && tag.hasSuffix("\""))
        #expect(tag.dropFirst().dropLast().allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test("every kind has its column value and media type")
    func kinds() {
        #expect(ReportDocument.Kind.allCases.map(\.rawValue) == ["summary", "report_html"])
        #expect(ReportDocument.Kind.summary.contentType == "application/json")
        #expect(ReportDocument.Kind.reportHTML.contentType == "text/html; charset=utf-8")
    }

    @Test("a stored document reads back byte for byte; storing again replaces it; B's reader sees none of A's")
    func roundTrip() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            for organization in [Self.organizationA, Self.organizationB] {
                try await client.query(
                    "INSERT INTO organizations (organization_id, name) VALUES (\(organization.rawValue), 'Clinic')",
                    logger: logger)
            }
            // Every byte value, a NUL and invalid UTF-8 among them.
            let first = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let second = Array("<!doctype html><p>é</p>".utf8)
            let run = UUID()

            try await client.withConnection { connection in
                try await ReportDocumentStore.store(
                    .summary, content: first, contentType: "application/json", generatedAt: Self.generatedAt,
                    runID: run, organization: Self.organizationA, on: connection, logger: logger)
                try await ReportDocumentStore.store(
                    .reportHTML, content: second, contentType: "text/html; charset=utf-8",
                    generatedAt: Self.generatedAt, runID: nil, organization: Self.organizationA, on: connection,
                    logger: logger)

                let (summary, html, tag) = try await connection.withReaderTransaction(
                    organization: Self.organizationA, logger: logger
                ) { connection -> (ReportDocument?, ReportDocument?, String?) in
                    (
                        try await ReportDocumentStore.document(.summary, on: connection, logger: logger),
                        try await ReportDocumentStore.document(.reportHTML, on: connection, logger: logger),
                        try await ReportDocumentStore.etag(.summary, on: connection, logger: logger)
                    )
                }
                let document = try #require(summary)
                #expect(document.kind == .summary)
                #expect(document.content == first)
                #expect(document.contentType == "application/json")
                #expect(document.etag == ReportDocument.etag(of: first))
                #expect(tag == document.etag)
                #expect(document.generatedAt == Self.generatedAt)
                #expect(abs(document.storedAt.timeIntervalSinceNow) < 600)
                #expect(html?.content == second)
                #expect(html?.etag == ReportDocument.etag(of: second))

                // Upsert: the second store replaces the first, one row per organization and kind.
                let later = Self.generatedAt.addingTimeInterval(86_400)
                try await ReportDocumentStore.store(
                    .summary, content: second, contentType: "application/json", generatedAt: later, runID: nil,
                    organization: Self.organizationA, on: connection, logger: logger)
                let replaced = try await connection.withReaderTransaction(
                    organization: Self.organizationA, logger: logger
                ) { try await ReportDocumentStore.document(.summary, on: $0, logger: logger) }
                #expect(replaced?.content == second)
                #expect(replaced?.etag == ReportDocument.etag(of: second))
                #expect(replaced?.etag != document.etag)
                #expect(replaced?.generatedAt == later)
                #expect(
                    try await TestDatabase.count(
                        "SELECT count(*)::int FROM reports WHERE organization_id = \(Self.organizationA.rawValue)",
                        on: client) == 2)

                // B has nothing of its own, and A's documents stay invisible to B's reader.
                let (forB, tagForB) = try await connection.withReaderTransaction(
                    organization: Self.organizationB, logger: logger
                ) { connection -> (ReportDocument?, String?) in
                    (
                        try await ReportDocumentStore.document(.summary, on: connection, logger: logger),
                        try await ReportDocumentStore.etag(.summary, on: connection, logger: logger)
                    )
                }
                #expect(forB == nil)
                #expect(tagForB == nil)

                // Outside a reader transaction no organization is set, so nothing is found.
                #expect(try await ReportDocumentStore.document(.summary, on: connection, logger: logger) == nil)
            }
        }
    }

    @Test("a reader transaction cannot store a document")
    func readerCannotStore() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            try await client.query(
                "INSERT INTO organizations (organization_id, name) VALUES (\(Self.organizationA.rawValue), 'Clinic')",
                logger: logger)
            try await client.withConnection { connection in
                let error = await #expect(throws: DatabaseError.self) {
                    try await connection.withReaderTransaction(organization: Self.organizationA, logger: logger) {
                        try await ReportDocumentStore.store(
                            .summary, content: [1], contentType: "application/json", generatedAt: Self.generatedAt,
                            runID: nil, organization: Self.organizationA, on: $0, logger: logger)
                    }
                }
                #expect(error?.message.contains("SQLSTATE 25006") == true)
            }
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM reports", on: client) == 0)
        }
    }
}
