import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore

/// An error the API answers with an RFC 9457 problem document (`application/problem+json`).
///
/// Its title and detail are written for the client: they never carry SQL, a stack trace, a secret, or whether
/// another organization exists.
public struct APIProblem: Error, Sendable, Equatable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A short, fixed summary of the problem type.
    public var title: String
    /// What went wrong with this request, when there is more to say than the title.
    public var detail: String?
    /// The query or path parameter at fault, for a 400.
    public var parameter: String?
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields

    public init(
        status: HTTPResponse.Status, title: String, detail: String? = nil, parameter: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.title = title
        self.detail = detail
        self.parameter = parameter
        self.headers = headers
    }

    /// 401: no token, or one that is not a valid session token of the configured Clerk instance.
    public static var unauthorized: APIProblem {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = #"Bearer error="invalid_token""#
        return APIProblem(
            status: .unauthorized, title: "Unauthorized",
            detail: "A valid Clerk session token is required (Authorization: Bearer <token>).", headers: headers)
    }

    /// 403: a valid token for another organization. The same body whether or not that organization exists.
    public static var forbidden: APIProblem {
        APIProblem(
            status: .forbidden, title: "Forbidden", detail: "The token does not grant access to this organization.")
    }

    /// 404: no such route, or nothing stored yet for this (the caller's own) organization.
    public static func notFound(_ detail: String = "There is no such resource.") -> APIProblem {
        APIProblem(status: .notFound, title: "Not Found", detail: detail)
    }

    /// 400: a query or path parameter the API cannot use.
    public static func invalidParameter(_ parameter: String, _ reason: String) -> APIProblem {
        APIProblem(status: .badRequest, title: "Invalid parameter", detail: reason, parameter: parameter)
    }

    /// 503: the request could not be answered in time (no database connection free, a statement too slow, the
    /// request's deadline passed). Worth retrying.
    public static func unavailable(_ detail: String, retryAfterSeconds: Int = 1) -> APIProblem {
        var headers = HTTPFields()
        headers[.retryAfter] = String(retryAfterSeconds)
        return APIProblem(status: .serviceUnavailable, title: "Service Unavailable", detail: detail, headers: headers)
    }

    /// 500: a failure of the server itself; the detail is in the server's log under the request id.
    public static var internalError: APIProblem {
        APIProblem(
            status: .internalServerError, title: "Internal Server Error",
            detail: "The server failed to answer; its log has the details under this request id.")
    }

    /// The problem document as a response.
    public func response(requestID: String) -> Response {
        var body: [String: String] = [
            "type": "about:blank", "title": title, "request_id": requestID,
        ]
        if let detail { body["detail"] = detail }
        if let parameter { body["parameter"] = parameter }
        var object = body.mapValues { $0 as Any }
        object["status"] = Int(status.code)
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
            ?? Data(#"{"title":"Internal Server Error","status":500}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
