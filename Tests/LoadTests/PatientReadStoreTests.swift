import Foundation
import Logging
import Pipeline
import PostgresNIO
import TestSupport
import Testing

@testable import Load

@Suite("Patient read stores: filters, keyset pages, tenant isolation and hostile input against PostgreSQL")
struct PatientReadStoreTests {
    static let organizationA = OrganizationID("org_readsA")!
    static let organizationB = OrganizationID("org_readsB")!
    /// The instant the seeded data was scored at.
    static let asOf = Date(timeIntervalSince1970: 1_780_000_000)

    // MARK: Seed

    static let lastNames: [String?] = [
        "Smith", "smith", "SMITH", "O'Brien", "100% Fit", "under_score", "under-score", "back\\slash", "Zoë", "Ng",
        "ng", "", nil, nil, "Nguyen", "Lee", "de la Cruz", "Ålund", "Brown", "brown",
    ]
    static let firstNames: [String?] = ["Ann", "ann", "Bob", "Cleo", "", nil, "Dee_Dee", "50%", "Eve", "Zed", "Ann"]
    static let types: [(id: String, name: String?)] = [
        ("101", "Standard Consult"), ("102", "Initial Assessment"), ("103", "Follow-up"), ("104", "Telehealth"),
        ("199", nil),
    ]

    /// Seeds `count` patients of `organization`: names with ties, `%` and `_`, missing names, phones, ties and nulls
    /// in every sort key, and some patients removed, merged, deleted or never scored (never listed).
    static func seed(
        _ connection: PostgresConnection, organization: OrganizationID, count: Int, seed: UInt64, emailDomain: String,
        idOffset: Int = 0
    ) async throws {
        let logger = TestDatabase.logger
        let org = organization.rawValue
        var random = SplitMix64(seed: seed)
        try await connection.query(
            "INSERT INTO organizations (organization_id, name) VALUES (\(org), \(org)) ON CONFLICT DO NOTHING",
            logger: logger)
        for type in types {
            if let name = type.name {
                try await connection.query(
                    "INSERT INTO appointment_types (organization_id, appointment_type_id, name) VALUES (\(org), \(type.id), \(name))",
                    logger: logger)
            }
        }
        for index in stride(from: 1, through: count, by: 1) {
            try await insertPatient(
                connection, organization: organization, number: index + idOffset, random: &random,
                emailDomain: emailDomain)
        }
    }

    static func insertPatient(
        _ connection: PostgresConnection, organization: OrganizationID, number: Int,
        random: inout SplitMix64, emailDomain: String,
        priority fixedPriority: Int? = nil, score fixedScore: Int? = nil
    ) async throws {
        let logger = TestDatabase.logger
        let org = organization.rawValue
        // Ids of different lengths, so text order differs from numeric order.
        let id = String(number)
        let last = lastNames.randomElement(using: &random)!
        let first = firstNames.randomElement(using: &random)!
        let preferred: String? = Int.random(in: 0..<8, using: &random) == 0 ? "Pref\(number % 3)" : nil
        let email: String? =
            Int.random(in: 0..<5, using: &random) == 0 ? nil : "p\(number)_\(number % 7)@\(emailDomain)"
        let phone: String? =
            Int.random(in: 0..<3, using: &random) == 0
            ? nil : "+614\(String(format: "%08d", number * 7919 % 100_000_000))"
        let created = asOf.addingTimeInterval(-Double(Int.random(in: 0..<100_000_000, using: &random)))
        let marker = Int.random(in: 0..<40, using: &random)
        try await connection.query(
            """
            INSERT INTO patients (organization_id, patient_id, first_name, last_name, preferred_first_name, email,
                                  primary_phone_e164, removed_at, merged_at, merged_into_id, deleted_at,
                                  source_created_at, source_updated_at)
            VALUES (\(org), \(id), \(first), \(last), \(preferred), \(email), \(phone),
                    \(marker == 0 ? asOf : nil), \(marker == 1 ? asOf : nil), \(marker == 1 ? "1" : nil),
                    \(marker == 2 ? asOf : nil), \(created), \(created.addingTimeInterval(3600)))
            """,
            logger: logger)
        if let phone {
            try await connection.query(
                """
                INSERT INTO patient_phones (organization_id, patient_id, position, raw_number, e164, normalization)
                VALUES (\(org), \(id), 0, \(phone), \(phone), 'parsed')
                """,
                logger: logger)
        }
        if number % 4 == 0 {
            // A second number, found only in patient_phones.
            let second = "+613\(String(format: "%08d", number * 104_729 % 100_000_000))"
            try await connection.query(
                """
                INSERT INTO patient_phones (organization_id, patient_id, position, raw_number, e164, normalization)
                VALUES (\(org), \(id), 1, \(second), \(second), 'parsed'),
                       (\(org), \(id), 2, 'not a number', NULL, 'unparseable')
                """,
                logger: logger)
        }
        guard marker != 3 else { return }  // never scored
        let statuses = PatientListQuery.activityStatuses
        let lastContact: Date? =
            Int.random(in: 0..<4, using: &random) == 0
            ? nil
            : asOf.addingTimeInterval(-86_400 * Double(Int.random(in: 0..<15, using: &random)) - 0.123456)
        let nextVisit: Date? =
            Int.random(in: 0..<5, using: &random) < 2
            ? nil
            : asOf.addingTimeInterval(3_600 * Double(Int.random(in: -48..<200, using: &random)) + 0.5)
        let nextType = nextVisit == nil ? nil : types.randomElement(using: &random)!.id
        let primaryType: String? =
            Int.random(in: 0..<4, using: &random) == 0 ? nil : types.randomElement(using: &random)!.id
        let score = fixedScore ?? Int.random(in: 0..<6, using: &random) * 20
        let priority = fixedPriority ?? Int.random(in: 1...4, using: &random)
        try await connection.query(
            """
            INSERT INTO patient_activity (organization_id, patient_id, as_of, first_visit_at, last_visit_at, next_visit_at,
                                          next_appointment_type_id, attended_90d, attended_total, upcoming_count,
                                          primary_appointment_type_id, last_contact_at, days_since_last_contact,
                                          activity_status, engagement, risk_level, risk_score, action_priority,
                                          recommended_action)
            VALUES (\(org), \(id), \(asOf), \(lastContact.map { $0.addingTimeInterval(-86_400 * 300) }), \(lastContact),
                    \(nextVisit), \(nextType), \(number % 5), \(number % 11), \(nextVisit == nil ? 0 : 1), \(primaryType),
                    \(lastContact), \(lastContact.map { _ in number % 15 }),
                    \(statuses.randomElement(using: &random)!), \(PatientListQuery.engagements.randomElement(using: &random)!),
                    \(PatientListQuery.riskLevels.randomElement(using: &random)!), \(score), \(priority),
                    'Check in')
            """,
            logger: logger)
    }

    /// Two organizations with overlapping patient ids: A with 320 patients, B with 150.
    static func withSeededDatabase(_ body: (PostgresClient) async throws -> Void) async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await client.withTransaction(logger: TestDatabase.logger) { connection in
                try await seed(connection, organization: organizationA, count: 320, seed: 1, emailDomain: "a.example")
                try await seed(connection, organization: organizationB, count: 150, seed: 2, emailDomain: "b.example")
            }
            try await body(client)
        }
    }

    // MARK: Reading

    /// Runs `body` with a store for `organization` inside a reader transaction (row-level security on).
    static func read<Result: Sendable>(
        _ client: PostgresClient, _ organization: OrganizationID = organizationA,
        _ body: (PatientReadStore) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.withReaderTransaction(organization: organization, logger: TestDatabase.logger) {
                connection in
                try await body(
                    PatientReadStore(connection: connection, organization: organization, logger: TestDatabase.logger))
            }
        }
    }

    /// Walks every page (each in its own transaction), checking the pagination figures, and returns all rows.
    static func walk<Row>(
        expectedTotal: Int? = nil, limit: Int = 7,
        between: (Int) async throws -> Void = { _ in },
        _ page: (String?) async throws -> Page<Row>
    ) async throws -> [Row] {
        var rows: [Row] = []
        var cursor: String?
        var pages = 0
        repeat {
            let next = try await page(cursor)
            pages += 1
            #expect(next.rows.count <= limit)
            if let expectedTotal { #expect(next.totalCount == expectedTotal) }
            if next.hasNext { #expect(next.rows.count == limit) }
            rows += next.rows
            cursor = next.nextCursor
            try await between(pages)
            try #require(pages < 1_000, "the walk does not end")
        } while cursor != nil
        return rows
    }

    struct Listed: Hashable, CustomStringConvertible {
        var id: String
        var email: String?
        var description: String { "\(id) \(email ?? "-")" }
    }

    /// An independently written query: the current patients of `organization` that satisfy `condition` (SQL over
    /// `p` and `a`, with `$2`… bound to `binds`), in `order`.
    static func reference(
        _ client: PostgresClient, _ organization: OrganizationID = organizationA, where condition: String = "true",
        binds: [String] = [], order: String
    ) async throws -> [Listed] {
        var bindings = PostgresBindings()
        bindings.append(organization.rawValue)
        for bind in binds { bindings.append(bind) }
        let sql = """
            SELECT p.patient_id, p.email
            FROM patients p
            JOIN patient_activity a ON a.organization_id = p.organization_id AND a.patient_id = p.patient_id
            WHERE p.organization_id = $1 AND p.removed_at IS NULL AND p.merged_at IS NULL AND p.deleted_at IS NULL
              AND (\(condition))
            ORDER BY \(order)
            """
        var listed: [Listed] = []
        for try await (id, email) in try await client.query(
            PostgresQuery(unsafeSQL: sql, binds: bindings), logger: TestDatabase.logger
        ).decode((String, String?).self) {
            listed.append(Listed(id: id, email: email))
        }
        return listed
    }

    static let referenceOrders: [PatientSort: String] = [
        .priority: "a.action_priority ASC, a.risk_score DESC, p.patient_id ASC",
        .name: "lower(coalesce(p.last_name, '')) ASC, lower(coalesce(p.first_name, '')) ASC, p.patient_id ASC",
        .lastContact: "a.last_contact_at DESC NULLS LAST, p.patient_id ASC",
    ]

    /// A filter of the list and the same filter in independent SQL.
    struct FilterCase: Sendable, CustomStringConvertible {
        var description: String
        var apply: @Sendable (inout PatientListQuery) -> Void
        var condition: String
        var binds: [String] = []
    }

    static let filterCases: [FilterCase] = {
        var cases = [FilterCase(description: "none", apply: { _ in }, condition: "true")]
        for status in PatientListQuery.activityStatuses {
            cases.append(
                FilterCase(
                    description: "status \(status)", apply: { $0.activityStatus = status },
                    condition: "a.activity_status = $2", binds: [status]))
        }
        for engagement in PatientListQuery.engagements {
            cases.append(
                FilterCase(
                    description: "engagement \(engagement)", apply: { $0.engagement = engagement },
                    condition: "a.engagement = $2", binds: [engagement]))
        }
        for risk in PatientListQuery.riskLevels {
            cases.append(
                FilterCase(
                    description: "risk \(risk)", apply: { $0.riskLevel = risk }, condition: "a.risk_level = $2",
                    binds: [risk]))
        }
        for priority in 1...4 {
            cases.append(
                FilterCase(
                    description: "priority \(priority)", apply: { $0.actionPriority = priority },
                    condition: "a.action_priority = \(priority)"))
        }
        cases.append(
            FilterCase(
                description: "engagement dormant, risk high, priority 1",
                apply: {
                    $0.engagement = "dormant"
                    $0.riskLevel = "high"
                    $0.actionPriority = 1
                },
                condition: "a.engagement = 'dormant' AND a.risk_level = 'high' AND a.action_priority = 1"))
        // Search: substring of names or e-mail, case-insensitive, with %, _ and \ taken literally.
        let searched = """
            strpos(lower(coalesce(p.first_name, '')), lower($2)) > 0
            OR strpos(lower(coalesce(p.last_name, '')), lower($2)) > 0
            OR strpos(lower(coalesce(p.preferred_first_name, '')), lower($2)) > 0
            OR strpos(lower(coalesce(p.email, '')), lower($2)) > 0
            OR strpos(lower(concat_ws(' ', p.first_name, p.last_name)), lower($2)) > 0
            OR strpos(lower(concat_ws(' ', p.preferred_first_name, p.last_name)), lower($2)) > 0
            """
        for text in [
            "smith", "SMITH", "%", "_", "\\", "100%", "er_s", "o'brien", "ann smith", "pref1", "@a.example", "zoë",
            "ZOË", "b.example", "'; drop table patients; --", "nobody-has-this",
        ] {
            cases.append(
                FilterCase(
                    description: "search \(text)", apply: { $0.search = text }, condition: searched, binds: [text]))
        }
        let phoned = """
            p.primary_phone_e164 = $2
            OR p.patient_id IN (SELECT ph.patient_id FROM patient_phones ph WHERE ph.organization_id = $1 AND ph.e164 = $2)
            """
        // Patient 8's primary number and patient 12's second number (in patient_phones only).
        for number in [
            "+614\(String(format: "%08d", 8 * 7919))", "+613\(String(format: "%08d", 12 * 104_729))", "+61400000000",
        ] {
            cases.append(
                FilterCase(
                    description: "phone \(number)", apply: { $0.searchE164 = number }, condition: phoned,
                    binds: [number]))
        }
        cases.append(
            FilterCase(
                description: "search smith or phone",
                apply: {
                    $0.search = "smith"
                    $0.searchE164 = "+614\(String(format: "%08d", 8 * 7919))"
                },
                condition: """
                    strpos(lower(coalesce(p.first_name, '')), lower($2)) > 0
                    OR strpos(lower(coalesce(p.last_name, '')), lower($2)) > 0
                    OR strpos(lower(coalesce(p.preferred_first_name, '')), lower($2)) > 0
                    OR strpos(lower(coalesce(p.email, '')), lower($2)) > 0
                    OR strpos(lower(concat_ws(' ', p.first_name, p.last_name)), lower($2)) > 0
                    OR strpos(lower(concat_ws(' ', p.preferred_first_name, p.last_name)), lower($2)) > 0
                    OR p.primary_phone_e164 = $3
                    OR p.patient_id IN (SELECT ph.patient_id FROM patient_phones ph
                                        WHERE ph.organization_id = $1 AND ph.e164 = $3)
                    """,
                binds: ["smith", "+614\(String(format: "%08d", 8 * 7919))"]))
        return cases
    }()

    // MARK: Tests

    @Test("every filter and sort lists what an independent query lists, each patient once, across pages of 7")
    func filtersAndSorts() async throws {
        try await Self.withSeededDatabase { client in
            let everyone = try await Self.reference(client, order: "p.patient_id")
            #expect(everyone.count > 250)
            var nonEmpty = 0
            for filter in Self.filterCases {
                for sort in PatientSort.allCases {
                    let expected = try await Self.reference(
                        client, where: filter.condition, binds: filter.binds, order: Self.referenceOrders[sort]!)
                    if !expected.isEmpty { nonEmpty += 1 }
                    let rows = try await Self.walk(expectedTotal: expected.count) { cursor in
                        var query = PatientListQuery()
                        filter.apply(&query)
                        query.sort = sort
                        query.limit = 7
                        query.cursor = cursor
                        return try await Self.read(client) { try await $0.patients(query) }
                    }
                    let listed = rows.map { Listed(id: $0.id, email: $0.email) }
                    #expect(listed == expected, "\(filter), sort \(sort.rawValue)")
                }
            }
            // The cases exercise real matches, not only empty lists.
            #expect(nonEmpty > Self.filterCases.count * 2)
        }
    }

    @Test("search matches %, _ and backslash literally, not as wildcards")
    func literalSearch() async throws {
        try await Self.withSeededDatabase { client in
            let everyone = try await Self.reference(client, order: "p.patient_id").count
            for text in ["%", "_", "\\", "%%", "_%_"] {
                let containing = try await Self.reference(
                    client,
                    where: """
                        strpos(concat_ws(' ', p.first_name, p.last_name, p.preferred_first_name, p.email), $2) > 0
                        """,
                    binds: [text], order: Self.referenceOrders[.priority]!)
                var query = PatientListQuery()
                query.search = text
                query.limit = 500
                let page = try await Self.read(client) { try await $0.patients(query) }
                #expect(page.totalCount < everyone)
                #expect(page.rows.map { Listed(id: $0.id, email: $0.email) } == containing, "\(text)")
            }
        }
    }

    @Test("rows carry the patient's fields, the type names and the current-patient rule")
    func rowContents() async throws {
        try await Self.withSeededDatabase { client in
            var query = PatientListQuery()
            query.limit = 500
            let page = try await Self.read(client) { try await $0.patients(query) }
            #expect(page.totalCount == page.rows.count)
            let excluded = try await TestDatabase.count(
                """
                SELECT count(*) FROM patients p WHERE p.organization_id = \(Self.organizationA.rawValue)
                AND (p.removed_at IS NOT NULL OR p.merged_at IS NOT NULL OR p.deleted_at IS NOT NULL
                     OR NOT EXISTS (SELECT 1 FROM patient_activity a
                                    WHERE a.organization_id = p.organization_id AND a.patient_id = p.patient_id))
                """,
                on: client)
            #expect(excluded > 0)
            #expect(page.rows.count + excluded == 320)
            for row in page.rows {
                #expect(row.clinikoPatientID == row.id)
                #expect(row.isActive == ["active", "recently_active", "upcoming_only"].contains(row.activityStatus))
                #expect(row.email?.hasSuffix("@a.example") ?? true)
                if let type = row.nextAppointmentType {
                    #expect(Self.types.contains { ($0.name ?? $0.id) == type })
                }
                #expect(!row.name.isEmpty)
            }
            // Fractional seconds survive.
            #expect(
                page.rows.contains { row in
                    row.lastContactAt.map {
                        abs($0.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) - 0.876544) < 1e-5
                    }
                        ?? false
                })
        }
    }

    @Test("a walk lists every patient once while patients are changed and added between pages")
    func walkWhileChanging() async throws {
        for sort in PatientSort.allCases {
            try await Self.withSeededDatabase { client in
                let before = Set(try await Self.reference(client, order: "p.patient_id").map(\.id))
                var random = SplitMix64(seed: 99)
                var added: [String] = []
                let rows = try await Self.walk(
                    between: { page in
                        // Change columns that are not sort keys, and add patients all over the order.
                        try await client.query(
                            """
                            UPDATE patients SET email = 'changed' || \(page) || '@a.example', loaded_at = now()
                            WHERE organization_id = \(Self.organizationA.rawValue) AND patient_id::int % 13 = \(page % 13)
                            """,
                            logger: TestDatabase.logger)
                        try await client.query(
                            """
                            UPDATE patient_activity SET recommended_action = 'Re-engage', attended_90d = attended_90d + 1
                            WHERE organization_id = \(Self.organizationA.rawValue) AND patient_id::int % 11 = \(page % 11)
                            """,
                            logger: TestDatabase.logger)
                        try await client.withTransaction(logger: TestDatabase.logger) { connection in
                            let number = 10_000 + page
                            try await Self.insertPatient(
                                connection, organization: Self.organizationA, number: number, random: &random,
                                emailDomain: "a.example")
                            added.append(String(number))
                        }
                    }
                ) { cursor in
                    var query = PatientListQuery()
                    query.sort = sort
                    query.limit = 7
                    query.cursor = cursor
                    return try await Self.read(client) { try await $0.patients(query) }
                }
                let ids = rows.map(\.id)
                #expect(Set(ids).count == ids.count, "no patient is listed twice (\(sort.rawValue))")
                #expect(before.isSubset(of: Set(ids)), "every patient present throughout is listed (\(sort.rawValue))")
                #expect(Set(ids).isSubset(of: before.union(added)))
                // The walk's order is the final order restricted to what it listed.
                let final = try await Self.reference(client, order: Self.referenceOrders[sort]!).map(\.id)
                let listed = Set(ids)
                #expect(final.filter(listed.contains) == ids, "\(sort.rawValue)")
            }
        }
    }

    @Test("ties in priority and score are broken by id, so pages never overlap")
    func ties() async throws {
        try await TestDatabase.withFreshDatabase { client, _ in
            try await client.withTransaction(logger: TestDatabase.logger) { connection in
                try await Self.seed(
                    connection, organization: Self.organizationA, count: 0, seed: 5, emailDomain: "a.example")
                var random = SplitMix64(seed: 5)
                for number in 1...50 {
                    try await Self.insertPatient(
                        connection, organization: Self.organizationA, number: number, random: &random,
                        emailDomain: "a.example", priority: 2, score: 60)
                }
            }
            let expected = try await Self.reference(client, order: Self.referenceOrders[.priority]!)
            for limit in [1, 2, 7, 500] {
                let rows = try await Self.walk(expectedTotal: expected.count, limit: limit) { cursor in
                    var query = PatientListQuery()
                    query.limit = limit
                    query.cursor = cursor
                    return try await Self.read(client) { try await $0.patients(query) }
                }
                #expect(rows.map(\.id) == expected.map(\.id))
            }
        }
    }

    @Test("organization B's patients never appear for A: neither the store's filter nor row-level security lets them")
    func isolation() async throws {
        try await Self.withSeededDatabase { client in
            let expectedA = try await Self.reference(client, order: Self.referenceOrders[.name]!)
            // Wall 1, alone: the store's own filter, in a plain transaction as a role that bypasses RLS.
            let unguarded = try await Self.walk(expectedTotal: expectedA.count) { cursor in
                try await client.withTransaction(logger: TestDatabase.logger) { connection in
                    var query = PatientListQuery()
                    query.sort = .name
                    query.limit = 7
                    query.cursor = cursor
                    return try await PatientReadStore(
                        connection: connection, organization: Self.organizationA, logger: TestDatabase.logger
                    ).patients(query)
                }
            }
            #expect(unguarded.map { Listed(id: $0.id, email: $0.email) } == expectedA)
            #expect(unguarded.allSatisfy { $0.email?.hasSuffix("@b.example") != true })
            // Wall 2, alone: a store asked for A inside B's reader transaction sees nothing at all.
            let crossed = try await client.withConnection { connection in
                try await connection.withReaderTransaction(
                    organization: Self.organizationB, logger: TestDatabase.logger
                ) { connection in
                    let store = PatientReadStore(
                        connection: connection, organization: Self.organizationA, logger: TestDatabase.logger)
                    var query = PatientListQuery()
                    query.limit = 500
                    return (
                        try await store.patients(query),
                        try await store.withAppointments(now: Self.asOf, limit: 500, cursor: nil),
                        try await store.byAppointmentType("101", limit: 500, cursor: nil),
                        try await store.appointmentTypeSummary()
                    )
                }
            }
            #expect(crossed.0.rows.isEmpty && crossed.0.totalCount == 0)
            #expect(crossed.1.rows.isEmpty && crossed.1.totalCount == 0)
            #expect(crossed.2.rows.isEmpty && crossed.2.totalCount == 0)
            #expect(crossed.3.isEmpty)
            // And B reads its own.
            let expectedB = try await Self.reference(
                client, Self.organizationB, order: Self.referenceOrders[.priority]!)
            var query = PatientListQuery()
            query.limit = 500
            let pageB = try await Self.read(client, Self.organizationB) { try await $0.patients(query) }
            #expect(pageB.rows.map { Listed(id: $0.id, email: $0.email) } == expectedB)
            #expect(pageB.rows.allSatisfy { $0.email?.hasSuffix("@b.example") ?? true })
        }
    }

    @Test("hostile input is a ReadError, never a database error, and leaves the tables alone")
    func hostileInput() async throws {
        try await Self.withSeededDatabase { client in
            let tenKilobytes = String(repeating: "'; drop table patients; --", count: 400)
            var bad: [(PatientListQuery, String)] = []
            func add(_ parameter: String, _ change: (inout PatientListQuery) -> Void) {
                var query = PatientListQuery()
                change(&query)
                bad.append((query, parameter))
            }
            add("search") { $0.search = tenKilobytes }
            add("search") { $0.search = "smith\u{0}" }
            add("search") { $0.search = "\u{0}" }
            add("search") { $0.searchE164 = "'; drop table patients; --" }
            add("search") { $0.searchE164 = "+61412\u{0}345678" }
            add("activity_status") { $0.activityStatus = "'; drop table patients; --" }
            add("activity_status") { $0.activityStatus = tenKilobytes }
            add("engagement") { $0.engagement = "%" }
            add("risk_level") { $0.riskLevel = "_" }
            add("action_priority") { $0.actionPriority = -1 }
            for limit in [0, 501, -1] { add("limit") { $0.limit = limit } }
            for cursor in ["", "%", "_", "'; drop table patients; --", tenKilobytes, "abc\u{0}", "eyJ2IjoxfQ"] {
                add("cursor") { $0.cursor = cursor }
            }
            for (query, parameter) in bad {
                do {
                    _ = try await Self.read(client) { try await $0.patients(query) }
                    Issue.record("accepted a bad \(parameter)")
                } catch let error as ReadError {
                    #expect(error.parameter == parameter)
                    #expect(!error.reason.contains("drop table"))
                }
            }
            let hostileTypes = [tenKilobytes, "101\u{0}", "", "line\nbreak"]
            for type in hostileTypes {
                await #expect(throws: ReadError.self) {
                    _ = try await Self.read(client) { try await $0.byAppointmentType(type, limit: 10, cursor: nil) }
                }
            }
            for limit in [0, 501, -1] {
                await #expect(throws: ReadError.self) {
                    _ = try await Self.read(client) {
                        try await $0.withAppointments(now: Self.asOf, limit: limit, cursor: nil)
                    }
                }
                await #expect(throws: ReadError.self) {
                    _ = try await Self.read(client) { try await $0.byAppointmentType("101", limit: limit, cursor: nil) }
                }
            }
            // A cursor from another list is refused by each list.
            let nameCursor = PageCursor.name(lastName: "a", firstName: "b", patientID: "1").encoded
            await #expect(throws: ReadError.self) {
                _ = try await Self.read(client) {
                    try await $0.withAppointments(now: Self.asOf, limit: 5, cursor: nameCursor)
                }
            }
            await #expect(throws: ReadError.self) {
                _ = try await Self.read(client) { try await $0.byAppointmentType("101", limit: 5, cursor: nameCursor) }
            }
            // SQL in a type or a search is only text to match.
            let injected = try await Self.read(client) {
                try await $0.byAppointmentType("'; drop table patients; --", limit: 10, cursor: nil)
            }
            #expect(injected.rows.isEmpty)
            var query = PatientListQuery()
            query.search = "x' OR '1'='1"
            #expect(try await Self.read(client) { try await $0.patients(query) }.rows.isEmpty)
            #expect(try await TestDatabase.count("SELECT count(*) FROM patients", on: client) == 470)
        }
    }

    @Test("with-appointments lists patients whose next visit is after now, soonest first, with priority and hours")
    func upcoming() async throws {
        try await Self.withSeededDatabase { client in
            let now = Self.asOf.addingTimeInterval(1_800)
            var bindings = PostgresBindings()
            bindings.append(Self.organizationA.rawValue)
            bindings.append(now)
            var expected: [(String, Date)] = []
            for try await (id, next) in try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT p.patient_id, a.next_visit_at
                        FROM patients p
                        JOIN patient_activity a ON a.organization_id = p.organization_id AND a.patient_id = p.patient_id
                        WHERE p.organization_id = $1 AND p.removed_at IS NULL AND p.merged_at IS NULL
                          AND p.deleted_at IS NULL AND a.next_visit_at > $2
                        ORDER BY a.next_visit_at, p.patient_id
                        """, binds: bindings),
                logger: TestDatabase.logger
            ).decode((String, Date).self) {
                expected.append((id, next))
            }
            #expect(expected.count > 50)
            let rows = try await Self.walk(expectedTotal: expected.count) { cursor in
                try await Self.read(client) { try await $0.withAppointments(now: now, limit: 7, cursor: cursor) }
            }
            #expect(rows.map(\.patient.id) == expected.map(\.0))
            for row in rows {
                let next = try #require(row.patient.nextAppointmentTime)
                let hours = next.timeIntervalSince(now) / 3_600
                #expect(abs(row.hoursUntilNextAppointment - hours) <= 0.005 + 1e-9)
                #expect(row.daysUntilNextAppointment == Int((hours / 24).rounded(.down)))
                #expect(row.priority == (hours <= 24 ? .high : hours <= 72 ? .medium : .low))
            }
            #expect(Set(rows.map(\.priority)) == Set(UpcomingPatientRow.Priority.allCases))
        }
    }

    @Test("by-appointment-type matches the next or primary type, by id or by name in any case")
    func byAppointmentType() async throws {
        try await Self.withSeededDatabase { client in
            let order = Self.referenceOrders[.priority]!
            let cases: [(String, String)] = [
                ("101", "a.next_appointment_type_id = '101' OR a.primary_appointment_type_id = '101'"),
                ("standard consult", "a.next_appointment_type_id = '101' OR a.primary_appointment_type_id = '101'"),
                ("FOLLOW-UP", "a.next_appointment_type_id = '103' OR a.primary_appointment_type_id = '103'"),
                ("199", "a.next_appointment_type_id = '199' OR a.primary_appointment_type_id = '199'"),
                ("Standard", "false"),
                ("%", "false"),
            ]
            for (type, condition) in cases {
                let expected = try await Self.reference(client, where: condition, order: order)
                let rows = try await Self.walk(expectedTotal: expected.count) { cursor in
                    try await Self.read(client) { try await $0.byAppointmentType(type, limit: 7, cursor: cursor) }
                }
                #expect(rows.map { Listed(id: $0.id, email: $0.email) } == expected, "\(type)")
            }
        }
    }

    @Test("the appointment-type summary reads appointment_type_stats with names, percentages and averages")
    func typeSummary() async throws {
        try await Self.withSeededDatabase { client in
            let a = Self.organizationA.rawValue
            let b = Self.organizationB.rawValue
            let recent = Date(timeIntervalSince1970: 1_779_000_000.25)
            try await client.query(
                """
                INSERT INTO appointment_type_stats (organization_id, appointment_type_id, as_of, patients,
                                                    total_appointments, share_of_total, most_recent_at)
                VALUES (\(a), '101', now(), 3, 10, 0.6667, \(recent)),
                       (\(a), '199', now(), 1, 4, 0.2667, NULL),
                       (\(a), '', now(), 0, 1, 0.0667, NULL),
                       (\(b), '101', now(), 99, 999, 1, NULL)
                """,
                logger: TestDatabase.logger)
            let summary = try await Self.read(client) { try await $0.appointmentTypeSummary() }
            #expect(
                summary == [
                    AppointmentTypeSummaryRow(
                        appointmentTypeID: "101", appointmentType: "Standard Consult", patientCount: 3,
                        percentageOfTotal: 66.67, avgAppointmentsPerPatient: 3.33, mostRecentAppointment: recent),
                    AppointmentTypeSummaryRow(
                        appointmentTypeID: "199", appointmentType: "199", patientCount: 1, percentageOfTotal: 26.67,
                        avgAppointmentsPerPatient: 4, mostRecentAppointment: nil),
                    AppointmentTypeSummaryRow(
                        appointmentTypeID: "", appointmentType: "", patientCount: 0, percentageOfTotal: 6.67,
                        avgAppointmentsPerPatient: 0, mostRecentAppointment: nil),
                ])
            let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
            #expect(json.contains(#""percentage_of_total":66.67"#))
            #expect(json.contains(#""avg_appointments_per_patient":3.33"#))
            #expect(
                try await Self.read(client, Self.organizationB) { try await $0.appointmentTypeSummary() }.count == 1)
        }
    }
}
