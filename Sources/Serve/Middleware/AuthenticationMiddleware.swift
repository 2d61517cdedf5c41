public import ClerkAuth
public import Hummingbird
import Pipeline

/// Admits a request to an organization's routes only with a valid Clerk session token for that organization.
///
/// No token, or one that fails verification → 401 with `WWW-Authenticate: Bearer error="invalid_token"`. A valid
/// token whose organization is not the path's `{org_id}` (or the `X-Organization-ID` header, when sent) → 403,
/// decided before anything is read, so the answer is the same, in body and in time, whether the other
/// organization exists or not. The reason for a refusal goes to the log and the metrics, never to the client.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext

    private let verifier: SessionTokenVerifier

    public init(verifier: SessionTokenVerifier) {
        self.verifier = verifier
    }

    public func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let session: VerifiedSession
        do {
            session = try await verifier.verify(authorization: request.headers[.authorization])
        } catch {
            context.record.authenticationFailure = String(describing: error)
            context.logger.debug(
                "session token refused", metadata: ["routiq.auth_failure": "\(String(describing: error))"])
            throw APIProblem.unauthorized
        }
        context.record.subject = session.subject
        let requested = context.parameters.get("org_id") ?? ""
        let header = request.headers[values: .organizationID]
        guard requested == session.organizationID, header.allSatisfy({ $0 == session.organizationID }),
            OrganizationID(requested) != nil
        else {
            context.record.authenticationFailure = "organization_mismatch"
            throw APIProblem.forbidden
        }
        context.record.organization = session.organizationID
        return try await next(request, context)
    }
}

extension APIRequestContext {
    /// The organization the request was authorized for; only on routes behind ``AuthenticationMiddleware``.
    func authorizedOrganization() throws -> OrganizationID {
        guard let text = record.organization, let organization = OrganizationID(text) else {
            throw APIProblem.internalError
        }
        return organization
    }
}
