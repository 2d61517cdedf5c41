import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The path every simulated API request takes: authentication, rate limiting, fault injection, the handler,
/// body faults, then statistics.
struct APIGateway: Sendable {
    /// Which simulated service a request belongs to.
    enum API: String, Sendable {
        case cliniko, chatwoot, clerk
    }

    /// The authenticated caller.
    struct Caller: Sendable {
        /// Organization index, when the credential belongs to one.
        var organization: Int?
        /// Label for statistics (never the secret itself).
        var label: String
        /// Key of the rate-limit window.
        var rateKey: String
    }

    /// Thrown into the response body writer to drop the connection mid-body.
    struct ConnectionReset: Error {}

    let state: SandboxState
    let limiter: RateLimiter
    let faults: FaultInjector
    let stats: RequestStats
    let limits: RateLimits
    /// The wait injected 429s announce; the API's window when `nil`.
    let injectedRateLimitResetSeconds: Double?
    let logger: Logger

    /// Runs one API request through the whole pipeline.
    func serve(
        _ api: API,
        route: String,
        authenticate: () async -> Result<Caller, APIErrorResponse>,
        handler: (Caller, FaultRule?) async -> APIResponse
    ) async -> Response {
        let caller: Caller
        switch await authenticate() {
        case .success(let authenticated):
            caller = authenticated
        case .failure(let failure):
            await stats.record(
                api: api.rawValue, route: route, status: Int(failure.response.status.code),
                credential: "\(api.rawValue):invalid", fault: nil)
            return failure.response.response
        }
        let limit: RateLimits.Limit? =
            switch api {
            case .cliniko: limits.cliniko
            case .chatwoot: limits.chatwoot
            case .clerk: route.hasSuffix("/jwks") ? nil : limits.clerk
            }
        if let resetAt = await limiter.admit(caller.rateKey, limit: limit) {
            let response = Self.rateLimited(api, resetAt: resetAt)
            await stats.record(api: api.rawValue, route: route, status: 429, credential: caller.label, fault: nil)
            return response.response
        }
        let fault = await faults.next(api: api.rawValue, route: route)
        if let fault, let response = Self.statusFault(api, fault.kind, resetSeconds: injectedRateLimitResetSeconds) {
            logger.debug(
                "sandbox fault", metadata: ["routiq.fault": "\(fault.kind.rawValue)", "routiq.route": "\(route)"])
            await stats.record(
                api: api.rawValue, route: route, status: Int(response.status.code),
                credential: caller.label, fault: fault.kind)
            return response.response
        }
        if let fault, fault.kind == .slow {
            try? await Task.sleep(for: .milliseconds(fault.delayMilliseconds ?? 2000))
        }
        var response = await handler(caller, fault)
        await stats.record(
            api: api.rawValue, route: route, status: Int(response.status.code), credential: caller.label,
            fault: fault?.kind)
        switch fault?.kind {
        case .truncate:
            response.body = Array(response.body.prefix(max(response.body.count / 2, 1)))
            return response.response
        case .reset:
            let full = response.body
            let head = ByteBuffer(bytes: full.prefix(max(full.count / 3, 1)))
            return Response(
                status: response.status, headers: response.headers,
                body: ResponseBody(contentLength: full.count) { writer in
                    try await writer.write(head)
                    throw ConnectionReset()
                }
            )
        case .trickle:
            let full = response.body
            let pause = Duration.milliseconds(max(fault?.delayMilliseconds ?? 1_000, 1))
            return Response(
                status: response.status, headers: response.headers,
                body: ResponseBody(contentLength: full.count) { writer in
                    for byte in full {
                        try await writer.write(ByteBuffer(bytes: [byte]))
                        try await Task.sleep(for: pause)
                    }
                    try await writer.finish(nil)
                }
            )
        default:
            return response.response
        }
    }

    /// The 429 each API sends when its documented limit is exceeded.
    static func rateLimited(_ api: API, resetAt: Double) -> APIResponse {
        let now = Date().timeIntervalSince1970
        let retryAfter = max(Int((resetAt - now).rounded(.up)), 1)
        switch api {
        case .cliniko:
            return .json(
                "{\"message\":\"Too many requests. Please wait until the rate limit resets.\"}",
                status: .tooManyRequests,
                headers: [HTTPField.Name("X-RateLimit-Reset")!: String(Int(resetAt.rounded(.up)))]
            )
        case .chatwoot:
            return .text("Retry later\n", status: .tooManyRequests)
        case .clerk:
            return .json(
                ClerkErrorBody.make(
                    code: "too_many_requests", message: "Too many requests",
                    longMessage: "Too many requests, retry later"),
                status: .tooManyRequests, headers: [.retryAfter: String(retryAfter)]
            )
        }
    }

    /// Responses for the status-code faults, or `nil` for body and timing faults.
    static func statusFault(_ api: API, _ kind: FaultKind, resetSeconds: Double? = nil) -> APIResponse? {
        switch kind {
        case .rateLimited:
            let window: Double = resetSeconds ?? (api == .clerk ? 10 : 60)
            return rateLimited(api, resetAt: Date().timeIntervalSince1970 + window)
        case .internalServerError:
            switch api {
            case .cliniko: return .json("{\"message\":\"Internal server error\"}", status: .internalServerError)
            case .chatwoot:
                return .json("{\"status\":500,\"error\":\"Internal Server Error\"}", status: .internalServerError)
            case .clerk:
                return .json(
                    ClerkErrorBody.make(
                        code: "internal_clerk_error", message: "Oops, an unexpected error occurred",
                        longMessage: "There was an internal error on our servers."),
                    status: .internalServerError
                )
            }
        case .badGateway:
            return .htmlError(.badGateway, "502 Bad Gateway")
        case .serviceUnavailable:
            return .htmlError(.serviceUnavailable, "503 Service Temporarily Unavailable")
        default:
            return nil
        }
    }
}
