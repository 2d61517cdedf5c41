import HTTPTypes
import Hummingbird
import Load
import Logging

/// `GET /{org_id}/summary` and `GET /{org_id}/report.html`: the report stage's documents for the organization, as
/// stored in the warehouse, byte for byte, with ETags and gzip.
struct ReportRoutes {
    /// The HTML report's policy: it carries its styles inline and runs no script.
    static let reportContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    let reader: WarehouseReader
    let documents: DocumentResponse

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("summary") { request, context in
            try await serve(.summary, request: request, context: context, headers: [:])
        }
        group.get("report.html") { request, context in
            var headers = HTTPFields()
            headers[.contentSecurityPolicy] = Self.reportContentSecurityPolicy
            return try await serve(.reportHTML, request: request, context: context, headers: headers)
        }
    }

    /// What one read of the stored document found.
    private enum Lookup: Sendable {
        case notModified(etag: String)
        case found(ReportDocument)
        case missing
    }

    private func serve(
        _ kind: ReportDocument.Kind, request: Request, context: APIRequestContext, headers: HTTPFields
    ) async throws -> Response {
        let organization = try context.authorizedOrganization()
        let logger = context.logger
        let ifNoneMatch = request.headers[values: .ifNoneMatch]
        // One reader transaction: a revalidation reads only the ETag, and the document only when it changed.
        let lookup = try await reader.read(organization, deadline: context.deadline, logger: logger) {
            connection -> Lookup in
            if !ifNoneMatch.isEmpty,
                let etag = try await ReportDocumentStore.etag(kind, on: connection, logger: logger),
                DocumentResponse.matches(ifNoneMatch, etag: etag)
            {
                return .notModified(etag: etag)
            }
            return try await ReportDocumentStore.document(kind, on: connection, logger: logger).map(Lookup.found)
                ?? .missing
        }
        switch lookup {
        case .notModified(let etag):
            return documents.notModified(request, etag: etag)
        case .found(let document):
            return try documents.ok(request, document: document, extraHeaders: headers)
        case .missing:
            throw APIProblem.notFound("No report has been generated for this organization yet.")
        }
    }
}
