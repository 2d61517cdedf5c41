import Foundation
import Load
import PostgresNIO
import TestSupport
import Testing

/// A failure that does reach PostgreSQL is described by its table and column, never by the value or the statement.
@Suite("statement failures named safely")
struct DatabaseErrorTests {
    @Test("a COPY PostgreSQL rejects names the table, the column and the condition, not the value")
    func copyFailureNamesTableAndColumn() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let logger = TestDatabase.logger
            // An encoder without columns checks only what holds for every column, so this date reaches the server.
            var encoder = CopyRowEncoder()
            encoder.field("org_errors")
            encoder.field("1300000000000000001")
            encoder.field("1990-02-30")
            #expect(encoder.endRow(appendingHash: false) == nil)
            let error = await #expect(throws: PSQLError.self) {
                try await client.withConnection { connection in
                    try await connection.query(
                        "CREATE TEMP TABLE birthdays (organization_id text, patient_id text, date_of_birth date)",
                        logger: logger)
                    try await connection.copyRows(
                        encoder.buffer, into: "birthdays", columns: ["organization_id", "patient_id", "date_of_birth"],
                        logger: logger)
                }
            }
            let described = DatabaseError.statementFailed(try #require(error)).description
            #expect(described.contains("table birthdays"), "\(described)")
            #expect(described.contains("column date_of_birth"), "\(described)")
            #expect(described.contains("SQLSTATE 22008"), "\(described)")
            #expect(!described.contains("1990"), "the value never shows: \(described)")
        }
    }

    @Test("a constraint PostgreSQL enforces names the table and the constraint")
    func constraintFailure() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            let error = await #expect(throws: PSQLError.self) {
                try await client.query(
                    "INSERT INTO organizations (organization_id, name) VALUES ('not an id', 'x')",
                    logger: TestDatabase.logger)
            }
            let described = DatabaseError.statementFailed(try #require(error)).description
            #expect(described.contains("table organizations"), "\(described)")
            #expect(described.contains("constraint organizations_organization_id_check"), "\(described)")
            #expect(described.contains("CHECK"), "\(described)")
            #expect(!described.contains("not an id"))
        }
    }
}
