public import Foundation
public import Logging
public import Pipeline
public import PostgresNIO

/// Reads one organization's patients for the API's patient routes: filtered, sorted, keyset-paginated lists and the
/// appointment-type summary.
///
/// A patient is listed when they have a `patient_activity` row (the last run scored them) and their `patients` row
/// is not removed at the source, merged or deleted: the patients the report stage counts. Figures are as of the
/// organization's last run.
///
/// Every query filters by `organization_id` itself, so it is safe on any connection; run it inside
/// `withReaderTransaction(organization:statementTimeout:logger:_:)` as well, so that row-level security is a second
/// wall between tenants and a page and its total count come from one snapshot. Every value reaches SQL as a bind
/// parameter.
///
/// Pages are keyset-paginated: `next_cursor` names the last row's sort key and id, never an offset. Walking the
/// pages lists every patient exactly once while rows are added or changed between requests, as long as the
/// patient's own sort key does not change during the walk (one whose key moves across the cursor may be listed
/// twice or not at all); patients added before the cursor's position are not listed.
public struct PatientReadStore: Sendable {
    private let connection: PostgresConnection
    private let organization: OrganizationID
    private let logger: Logger

    /// Creates a store reading through `connection`.
    ///
    /// - Parameters:
    ///   - connection: The connection, normally inside a reader transaction for `organization`.
    ///   - organization: The only organization whose patients are read.
    ///   - logger: For the queries; stamped with `routiq.org`.
    public init(connection: PostgresConnection, organization: OrganizationID, logger: Logger) {
        self.connection = connection
        self.organization = organization
        var logger = logger
        logger[metadataKey: "routiq.org"] = "\(organization.rawValue)"
        self.logger = logger
    }

    /// One page of the patient list.
    ///
    /// - Parameter query: Filters, order, page size and cursor; validated again here.
    /// - Returns: The page, the cursor for the next page, and how many patients match the filters.
    /// - Throws: ``ReadError`` for a parameter the client got wrong (see ``PatientListQuery/validated()``); the
    ///   connection's errors otherwise.
    public func patients(_ query: PatientListQuery) async throws -> Page<PatientRow> {
        let query = try query.validated()
        var cursor: PageCursor?
        if let text = query.cursor { cursor = try PageCursor(decoding: text, as: PageCursor.Kind(query.sort)) }
        var filters = [currentPatients]
        if let status = query.activityStatus { filters.append("a.activity_status = \(status)") }
        if let engagement = query.engagement { filters.append("a.engagement = \(engagement)") }
        if let risk = query.riskLevel { filters.append("a.risk_level = \(risk)") }
        if let priority = query.actionPriority { filters.append("a.action_priority = \(priority)") }
        if let search = Self.searchFilter(text: query.search, e164: query.searchE164) { filters.append(search) }
        let order: SQLFragment =
            switch query.sort {
            case .priority: Self.priorityOrder
            case .name: "\(Self.lastNameKey), \(Self.firstNameKey), a.patient_id"
            case .lastContact: "a.last_contact_at DESC NULLS LAST, a.patient_id"
            }
        let sort = query.sort
        let page = try await readPage(
            filters: filters, after: cursor.map(Self.keyset), order: order, limit: query.limit)
        return page.map({ row, _ in row }) { row, keys in
            switch sort {
            case .priority: Self.priorityCursor(after: row)
            case .name: .name(lastName: keys.lastName, firstName: keys.firstName, patientID: row.id)
            case .lastContact: .lastContact(micros: keys.lastContactMicros, patientID: row.id)
            }
        }
    }

    /// One page of the patients with an upcoming appointment, soonest first.
    ///
    /// "Upcoming" uses the next visit the organization's last run recorded: a patient is listed when that visit
    /// starts after `now`, so one whose next visit has begun since the last run is left out until the next run finds
    /// their following visit. Ties are ordered by patient id.
    ///
    /// - Parameters:
    ///   - now: The instant hours and days are counted from and the priority is judged at.
    ///   - limit: Rows per page, 1 to 500.
    ///   - cursor: The previous page's `next_cursor`, or `nil` for the first page.
    /// - Returns: The page and how many patients have an upcoming appointment.
    /// - Throws: ``ReadError`` for a limit out of range or a cursor this list did not issue; the connection's errors
    ///   otherwise.
    public func withAppointments(now: Date, limit: Int, cursor: String?) async throws -> Page<UpcomingPatientRow> {
        try ReadError.checkLimit(limit)
        var keyset: SQLFragment?
        if let cursor, case .upcoming(let micros, let patientID) = try PageCursor(decoding: cursor, as: .upcoming) {
            keyset = "(\(Self.nextVisitMicros), a.patient_id) > (\(micros), \(patientID))"
        }
        let page = try await readPage(
            filters: [currentPatients, "a.next_visit_at > \(now)"], after: keyset,
            order: "a.next_visit_at, a.patient_id", limit: limit)
        return page.map { row, _ in
            // The filter guarantees a next visit after `now`.
            let seconds = (row.nextAppointmentTime ?? now).timeIntervalSince(now)
            return UpcomingPatientRow(
                patient: row, priority: UpcomingPatientRow.Priority(secondsUntil: seconds),
                // Hours with two decimals: seconds / 3600, times 100, rounded, over 100.
                hoursUntilNextAppointment: (seconds / 36).rounded() / 100,
                daysUntilNextAppointment: Self.wholeDays(in: seconds))
        } cursor: { row, keys in
            .upcoming(micros: keys.nextVisitMicros ?? 0, patientID: row.id)
        }
    }

    /// One page of the patients whose next appointment or primary (most booked) appointment type is `type`, most
    /// urgent first (the priority order).
    ///
    /// - Parameters:
    ///   - type: An appointment type id, or a type name compared case-insensitively; at most 200 characters, no
    ///     control characters.
    ///   - limit: Rows per page, 1 to 500.
    ///   - cursor: The previous page's `next_cursor`, or `nil` for the first page.
    /// - Returns: The page and how many patients match.
    /// - Throws: ``ReadError`` for an empty or malformed type, a limit out of range or a cursor this list did not
    ///   issue; the connection's errors otherwise.
    public func byAppointmentType(_ type: String, limit: Int, cursor: String?) async throws -> Page<PatientRow> {
        try ReadError.checkText(type, parameter: "type")
        guard !type.isEmpty else { throw ReadError(parameter: "type", reason: "must not be empty") }
        try ReadError.checkLimit(limit)
        var keyset: SQLFragment?
        if let cursor { keyset = Self.keyset(after: try PageCursor(decoding: cursor, as: .priority)) }
        let matchesType: SQLFragment = """
            (a.next_appointment_type_id = \(type) OR a.primary_appointment_type_id = \(type)
             OR lower(nt.name) = lower(\(type)) OR lower(pt.name) = lower(\(type)))
            """
        let page = try await readPage(
            filters: [currentPatients, matchesType], after: keyset, order: Self.priorityOrder, limit: limit)
        return page.map({ row, _ in row }) { row, _ in Self.priorityCursor(after: row) }
    }

    /// Every appointment type's figures, from `appointment_type_stats` as of the last run: most appointments first,
    /// then by name and id.
    ///
    /// - Returns: One row per appointment type that has appointments; none before the first run.
    public func appointmentTypeSummary() async throws -> [AppointmentTypeSummaryRow] {
        let statement: SQLFragment = """
            SELECT s.appointment_type_id, coalesce(t.name, s.appointment_type_id), s.patients::int8,
                   round(coalesce(s.share_of_total, 0) * 100, 2)::float8,
                   (CASE WHEN s.patients = 0 THEN 0
                         ELSE round(s.total_appointments::numeric / s.patients, 2) END)::float8,
                   s.most_recent_at
            FROM appointment_type_stats s
            LEFT JOIN appointment_types t
                   ON t.organization_id = s.organization_id AND t.appointment_type_id = s.appointment_type_id
            WHERE s.organization_id = \(organization.rawValue)
            ORDER BY s.total_appointments DESC, 2, 1
            """
        let rows = try await connection.query(statement.query, logger: logger)
        var summary: [AppointmentTypeSummaryRow] = []
        for try await (id, name, patients, percentage, average, mostRecent) in rows.decode(
            (String, String, Int, Double, Double, Date?).self)
        {
            summary.append(
                AppointmentTypeSummaryRow(
                    appointmentTypeID: id, appointmentType: name, patientCount: patients,
                    percentageOfTotal: percentage, avgAppointmentsPerPatient: average, mostRecentAppointment: mostRecent
                ))
        }
        logger.debug("read appointment type summary", metadata: ["routiq.rows": "\(summary.count)"])
        return summary
    }
}

// MARK: - Queries

extension PatientReadStore {
    /// The sort-key values of a row that are not fields of ``PatientRow``.
    struct SortKeys {
        /// `lower(coalesce(last_name, ''))`.
        var lastName: String
        /// `lower(coalesce(first_name, ''))`.
        var firstName: String
        /// `last_contact_at` in microseconds since 1970.
        var lastContactMicros: Int64?
        /// `next_visit_at` in microseconds since 1970.
        var nextVisitMicros: Int64?
    }

    /// A page as read, before its rows are shaped for the route: up to `limit` rows with their sort keys.
    struct RawPage {
        var rows: [(row: PatientRow, keys: SortKeys)]
        var hasMore: Bool
        var totalCount: Int

        func map<Row: Sendable & Encodable>(
            _ transform: (PatientRow, SortKeys) -> Row,
            cursor: (PatientRow, SortKeys) -> PageCursor
        ) -> Page<Row> {
            let next = hasMore ? rows.last.map { cursor($0.row, $0.keys).encoded } : nil
            return Page(rows: rows.map { transform($0.row, $0.keys) }, nextCursor: next, totalCount: totalCount)
        }
    }

    /// The patients the report stage counts, of this organization.
    fileprivate var currentPatients: SQLFragment {
        """
        a.organization_id = \(organization.rawValue)
        AND p.removed_at IS NULL AND p.merged_at IS NULL AND p.deleted_at IS NULL
        """
    }

    fileprivate static let priorityOrder: SQLFragment = "a.action_priority, a.risk_score DESC, a.patient_id"
    fileprivate static let lastNameKey: SQLFragment = "lower(coalesce(p.last_name, ''))"
    fileprivate static let firstNameKey: SQLFragment = "lower(coalesce(p.first_name, ''))"
    /// Instants are compared as whole microseconds (exactly what `timestamptz` stores), so a cursor's position
    /// survives the trip through JSON without rounding.
    fileprivate static let lastContactMicros: SQLFragment = "(extract(epoch FROM a.last_contact_at) * 1000000)::int8"
    fileprivate static let nextVisitMicros: SQLFragment = "(extract(epoch FROM a.next_visit_at) * 1000000)::int8"

    /// Rows after `cursor` in the order it was issued for.
    fileprivate static func keyset(after cursor: PageCursor) -> SQLFragment {
        switch cursor {
        case .priority(let actionPriority, let riskScore, let patientID):
            // (priority ascending, score descending, id ascending) as one ascending row comparison.
            "(a.action_priority, -a.risk_score, a.patient_id) > (\(actionPriority), \(-riskScore), \(patientID))"
        case .name(let lastName, let firstName, let patientID):
            "(\(lastNameKey), \(firstNameKey), a.patient_id) > (\(lastName), \(firstName), \(patientID))"
        case .lastContact(.some(let micros), let patientID):
            // Later contacts come first and the never-contacted last, so after a contacted patient come: earlier
            // contacts, the same instant with a greater id, and everyone never contacted.
            """
            (a.last_contact_at IS NULL OR \(lastContactMicros) < \(micros)
             OR (\(lastContactMicros) = \(micros) AND a.patient_id > \(patientID)))
            """
        case .lastContact(.none, let patientID):
            "(a.last_contact_at IS NULL AND a.patient_id > \(patientID))"
        case .upcoming(let micros, let patientID):
            "(\(nextVisitMicros), a.patient_id) > (\(micros), \(patientID))"
        case .syncRun:
            // Not a patient cursor; callers decode cursors with the kind they expect, so this is never reached.
            "false"
        }
    }

    fileprivate static func priorityCursor(after row: PatientRow) -> PageCursor {
        .priority(actionPriority: row.actionPriority, riskScore: row.riskScore, patientID: row.id)
    }

    /// Matches the search text against names and e-mail, and the phone number against every phone.
    fileprivate static func searchFilter(text: String?, e164: String?) -> SQLFragment? {
        var alternatives: [SQLFragment] = []
        if let text {
            let pattern = likePattern(containing: text)
            // LIKE's default escape character is the backslash, which `likePattern` escapes with.
            alternatives.append(
                """
                p.first_name ILIKE \(pattern) OR p.last_name ILIKE \(pattern)
                OR p.preferred_first_name ILIKE \(pattern) OR p.email ILIKE \(pattern)
                OR concat_ws(' ', p.first_name, p.last_name) ILIKE \(pattern)
                OR concat_ws(' ', p.preferred_first_name, p.last_name) ILIKE \(pattern)
                """)
        }
        if let e164 {
            alternatives.append(
                """
                p.primary_phone_e164 = \(e164)
                OR EXISTS (SELECT 1 FROM patient_phones ph
                           WHERE ph.organization_id = a.organization_id AND ph.patient_id = a.patient_id
                             AND ph.e164 = \(e164))
                """)
        }
        guard !alternatives.isEmpty else { return nil }
        return "(\(SQLFragment.joined(alternatives, separator: " OR ")))"
    }

    /// A `LIKE` pattern matching any text that contains `text`: `\`, `%` and `_` are escaped with `\`.
    static func likePattern(containing text: String) -> String {
        var pattern = "%"
        // Unicode scalars, not characters: "%" followed by a combining mark is one character but still a wildcard.
        for scalar in text.unicodeScalars {
            if scalar == "\\" || scalar == "%" || scalar == "_" { pattern.unicodeScalars.append("\\") }
            pattern.unicodeScalars.append(scalar)
        }
        pattern.unicodeScalars.append("%")
        return pattern
    }

    /// Whole 24-hour periods in `seconds` (not negative), without trapping on any value.
    fileprivate static func wholeDays(in seconds: Double) -> Int {
        let days = (seconds / 86_400).rounded(.down)
        guard days.isFinite, days > 0 else { return 0 }
        return days < Double(Int32.max) ? Int(days) : Int(Int32.max)
    }

    /// Reads `limit` rows after `keyset` in `order`, and counts every row matching `filters`.
    fileprivate func readPage(
        filters: [SQLFragment], after keyset: SQLFragment?, order: SQLFragment, limit: Int
    ) async throws -> RawPage {
        let matching = SQLFragment.joined(filters, separator: " AND ")
        let positioned = keyset.map { SQLFragment.joined([matching, $0], separator: " AND ") } ?? matching
        let statement: SQLFragment = """
            SELECT a.patient_id,
                   coalesce(nullif(trim(concat_ws(' ', coalesce(nullif(trim(p.preferred_first_name), ''), p.first_name),
                       p.last_name)), ''), a.patient_id),
                   p.primary_phone_e164, p.email, a.activity_status, a.engagement, a.risk_level, a.risk_score::int8,
                   a.action_priority::int8, a.recommended_action, a.attended_90d::int8, a.upcoming_count::int8,
                   a.attended_total::int8, a.first_visit_at, a.last_visit_at, a.next_visit_at,
                   coalesce(nt.name, a.next_appointment_type_id), coalesce(pt.name, a.primary_appointment_type_id),
                   a.last_contact_at, a.days_since_last_contact::int8, p.loaded_at, p.source_created_at,
                   p.source_updated_at, \(Self.lastNameKey), \(Self.firstNameKey), \(Self.lastContactMicros),
                   \(Self.nextVisitMicros)
            \(Self.from)
            WHERE \(positioned)
            ORDER BY \(order)
            LIMIT \(limit + 1)
            """
        var rows: [(row: PatientRow, keys: SortKeys)] = []
        rows.reserveCapacity(limit + 1)
        for try await row in try await connection.query(statement.query, logger: logger) {
            rows.append(try Self.decode(row))
        }
        let hasMore = rows.count > limit
        if hasMore { rows.removeLast(rows.count - limit) }
        let count: SQLFragment = "SELECT count(*) \(Self.from) WHERE \(matching)"
        var totalCount = 0
        for try await value in try await connection.query(count.query, logger: logger).decode(Int.self) {
            totalCount = value
        }
        logger.debug(
            "read a page of patients", metadata: ["routiq.rows": "\(rows.count)", "routiq.total": "\(totalCount)"])
        return RawPage(rows: rows, hasMore: hasMore, totalCount: totalCount)
    }

    /// `patient_activity` with the patient's row and the names of the next and primary appointment types.
    private static let from: SQLFragment = """
        FROM patient_activity a
        JOIN patients p ON p.organization_id = a.organization_id AND p.patient_id = a.patient_id
        LEFT JOIN appointment_types nt
               ON nt.organization_id = a.organization_id AND nt.appointment_type_id = a.next_appointment_type_id
        LEFT JOIN appointment_types pt
               ON pt.organization_id = a.organization_id AND pt.appointment_type_id = a.primary_appointment_type_id
        """

    private static let activeStatuses: Set = ["active", "recently_active", "upcoming_only"]

    private static func decode(_ row: PostgresRow) throws -> (row: PatientRow, keys: SortKeys) {
        let c = row.makeRandomAccess()
        let id = try c[0].decode(String.self)
        let status = try c[4].decode(String.self)
        let patient = PatientRow(
            id: id, name: try c[1].decode(String.self), phone: try c[2].decode(String?.self),
            email: try c[3].decode(String?.self), clinikoPatientID: id, isActive: activeStatuses.contains(status),
            activityStatus: status, engagement: try c[5].decode(String.self), riskLevel: try c[6].decode(String.self),
            riskScore: try c[7].decode(Int.self), actionPriority: try c[8].decode(Int.self),
            recommendedAction: try c[9].decode(String.self), recentAppointmentCount: try c[10].decode(Int.self),
            upcomingAppointmentCount: try c[11].decode(Int.self), totalAppointmentCount: try c[12].decode(Int.self),
            firstAppointmentDate: try c[13].decode(Date?.self), lastAppointmentDate: try c[14].decode(Date?.self),
            nextAppointmentTime: try c[15].decode(Date?.self), nextAppointmentType: try c[16].decode(String?.self),
            primaryAppointmentType: try c[17].decode(String?.self), lastContactAt: try c[18].decode(Date?.self),
            daysSinceLastContact: try c[19].decode(Int?.self), lastSyncedAt: try c[20].decode(Date.self),
            createdAt: try c[21].decode(Date?.self), updatedAt: try c[22].decode(Date?.self))
        let keys = SortKeys(
            lastName: try c[23].decode(String.self), firstName: try c[24].decode(String.self),
            lastContactMicros: try c[25].decode(Int64?.self), nextVisitMicros: try c[26].decode(Int64?.self))
        return (patient, keys)
    }
}
