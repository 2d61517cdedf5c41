import Foundation
import HTTPTypes
import Hummingbird
import Load
import Logging
import Pipeline
import PostgresNIO
import Transform

/// The patient lists: `GET /{org_id}/patients` (filtered, searched, sorted), `/patients/with-appointments`,
/// `/patients/by-appointment-type/{type}` and `/patients/appointment-types/summary`. Every list read is recorded in
/// `audit_log` (who, which organization, which route, how many rows).
struct PatientRoutes {
    let reader: WarehouseReader
    let now: @Sendable () -> Date

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("patients") { request, context in
            let parameters = try QueryParameters(
                request,
                allowed: [
                    "activity_status", "engagement", "risk_level", "action_priority", "search", "sort", "limit",
                    "cursor",
                ])
            var query = PatientListQuery()
            query.activityStatus = parameters["activity_status"]
            query.engagement = parameters["engagement"]
            query.riskLevel = parameters["risk_level"]
            if parameters["action_priority"] != nil {
                query.actionPriority = try parameters.integer("action_priority", in: 1...4, default: 0)
            }
            query.search = parameters["search"]
            if let sort = parameters["sort"] {
                guard let value = PatientSort(rawValue: sort) else {
                    throw APIProblem.invalidParameter("sort", "must be priority, name or last_contact")
                }
                query.sort = value
            }
            query.limit = try parameters.integer("limit", in: 1...500, default: 50)
            query.cursor = parameters["cursor"]
            let checked = try query.validated()
            let logger = context.logger
            let page = try await list(request: request, context: context) { store, connection in
                var query = checked
                if let search = query.search, Self.looksLikePhoneNumber(search) {
                    query.searchE164 = try await Self.e164(search, connection: connection, logger: logger)
                }
                return try await store.patients(query)
            }
            return try respond(page, request: request, parameters: parameters, names: Self.patientNames)
        }
        group.get("patients/with-appointments") { request, context in
            let parameters = try QueryParameters(request, allowed: ["limit", "cursor"])
            let limit = try parameters.integer("limit", in: 1...500, default: 50)
            let now = now()
            let page = try await list(request: request, context: context) { store, _ in
                try await store.withAppointments(now: now, limit: limit, cursor: parameters["cursor"])
            }
            return try respond(page, request: request, parameters: parameters, names: ["limit"])
        }
        group.get("patients/by-appointment-type/{type}") { request, context in
            let parameters = try QueryParameters(request, allowed: ["limit", "cursor"])
            let limit = try parameters.integer("limit", in: 1...500, default: 50)
            let type = context.parameters.get("type") ?? ""
            let page = try await list(request: request, context: context) { store, _ in
                try await store.byAppointmentType(type, limit: limit, cursor: parameters["cursor"])
            }
            return try respond(page, request: request, parameters: parameters, names: ["limit"])
        }
        group.get("patients/appointment-types/summary") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let organization = try context.authorizedOrganization()
            let logger = context.logger
            let rows = try await reader.read(organization, deadline: context.deadline, logger: logger) { connection in
                try await PatientReadStore(connection: connection, organization: organization, logger: logger)
                    .appointmentTypeSummary()
            }
            return try JSONResponse.make(["data": rows])
        }
    }

    /// The query names carried into the next page's link (besides the cursor).
    private static let patientNames = [
        "activity_status", "engagement", "risk_level", "action_priority", "search", "sort", "limit",
    ]

    /// Reads one page as the reader, then records the read in `audit_log` on the same connection.
    private func list<Row: Sendable & Encodable>(
        request: Request, context: APIRequestContext,
        _ body: @escaping @Sendable (PatientReadStore, PostgresConnection) async throws -> Page<Row>
    ) async throws -> Page<Row> {
        let organization = try context.authorizedOrganization()
        let logger = context.logger
        let subject = context.record.subject ?? "unknown"
        let route = AccessLogMiddleware.routeTemplate(context.endpointPath)
        let page = try await reader.read(organization, deadline: context.deadline, logger: logger) { connection in
            try await body(
                PatientReadStore(connection: connection, organization: organization, logger: logger), connection)
        } afterwards: { connection, page in
            try await AuditLog.record(
                action: "api.patients.read", organization: organization.rawValue, actor: subject, target: route,
                details: ["rows": String(page.rows.count)], on: connection, logger: logger)
        }
        context.record.rowsReturned = page.rows.count
        return page
    }

    private func respond<Row: Sendable & Encodable>(
        _ page: Page<Row>, request: Request, parameters: QueryParameters, names: [String]
    ) throws -> Response {
        var next: String?
        var headers = HTTPFields()
        if let cursor = page.nextCursor {
            let carried = names.compactMap { name in parameters[name].map { (name, $0) } }
            let link = request.link(replacingQueryWith: carried + [("cursor", cursor)])
            next = link
            headers[.link] = "<\(link)>; rel=\"next\""
        }
        let envelope = PageEnvelope(
            rows: page.rows, totalCount: page.totalCount, nextCursor: page.nextCursor, next: next)
        return try JSONResponse.make(envelope, headers: headers)
    }

    /// Whether a search is worth reading as a phone number: mostly digits and phone punctuation, six digits or more.
    static func looksLikePhoneNumber(_ text: String) -> Bool {
        let digits = text.unicodeScalars.filter { ("0"..."9").contains($0) }.count
        let phoneCharacters = CharacterSet(charactersIn: "0123456789+-() .")
        return digits >= 6 && text.unicodeScalars.allSatisfy { phoneCharacters.contains($0) }
    }

    /// The search as E.164 in the organization's phone region, or `nil` when it is no valid number there.
    static func e164(_ text: String, connection: PostgresConnection, logger: Logger) async throws -> String? {
        var region = PhoneRegion.australia
        let rows = try await connection.query("SELECT phone_region FROM organizations", logger: logger)
        for try await code in rows.decode(String.self) {
            region = PhoneRegion(code: code) ?? region
        }
        let parser = PhoneNumberParser(configuration: .init(defaultRegion: region))
        return try? parser.parse(text).e164
    }
}
