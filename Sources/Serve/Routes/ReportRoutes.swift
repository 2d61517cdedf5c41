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

    private func serve(
        _ kind: ReportDocument.Kind, request: Request, context: APIRequestContext, headers: HTTPFields
    ) async throws -> Response {
        let organization = try context.authorizedOrganization()
        let logger = context.logger
        if DocumentResponse.isConditional(request) {
            let etag = try await reader.read(organization, deadline: context.deadline, logger: logger) { connection in
                try await ReportDocumentStore.etag(kind, on: connection, logger: logger)
            }
            if let etag, DocumentResponse.matches(request, etag: etag) {
                return documents.notModified(request, etag: etag)
            }
        }
        let document = try await reader.read(organization, deadline: context.deadline, logger: logger) { connection in
            try await ReportDocumentStore.document(kind, on: connection, logger: logger)
        }
        guard let document else {
            throw APIProblem.notFound("No report has been generated for this organization yet.")
        }
        if DocumentResponse.matches(request, etag: document.etag) {
            return documents.notModified(request, etag: document.etag)
        }
        return try documents.ok(request, document: document, extraHeaders: headers)
    }
}
