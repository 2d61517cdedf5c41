// Fetches a JSON Web Key Set over HTTP(S) with a deadline, a size cap and same-origin redirects only.
public import AsyncHTTPClient
import Foundation
import NIOCore

/// Fetches the JWKS document for ``SessionTokenVerifier``.
///
/// Use it as the verifier's `fetchJWKS` closure: `{ try await fetcher.fetch() }`. Each fetch is one `GET` bounded as a
/// whole (connection, redirects and body) by `timeout`, with the body capped at `maximumBytes`. Redirects are followed
/// only within the origin (scheme, host and port) of the configured URL, at most 5 of them: keys served by another
/// origin are never trusted. When the `HTTPClient` follows redirects by itself (as `HTTPClient.shared` does), the
/// response is refused unless every hop stayed in that origin.
public struct JWKSHTTPFetcher: Sendable {
    private static let redirectStatuses: Set<UInt> = [301, 302, 303, 307, 308]
    private static let maximumRedirects = 5

    private let url: String
    private let origin: String
    private let httpClient: HTTPClient
    private let timeout: Duration
    private let maximumBytes: Int

    /// Creates a fetcher for `url`.
    ///
    /// - Parameters:
    ///   - url: The absolute `http` or `https` JWKS URL, such as `https://clerk.example.com/.well-known/jwks.json`.
    ///   - httpClient: The client to use; it is not shut down by the fetcher.
    ///   - timeout: The limit for a whole fetch; 5 seconds by default.
    ///   - maximumBytes: The largest body accepted; 1 MiB by default.
    /// - Throws: ``JWKSError`` with ``JWKSError/Code/fetchFailed`` when `url` is not an absolute `http` or `https` URL
    ///   with a host and without credentials.
    public init(
        url: String, httpClient: HTTPClient, timeout: Duration = .seconds(5), maximumBytes: Int = 1 << 20
    ) throws(JWKSError) {
        guard let parsed = URL(string: url), parsed.user == nil, parsed.password == nil,
            let origin = Self.origin(of: parsed)
        else {
            throw JWKSError(.fetchFailed, reason: "the JWKS URL is not an absolute http or https URL")
        }
        self.url = url
        self.origin = origin
        self.httpClient = httpClient
        self.timeout = timeout
        self.maximumBytes = maximumBytes
    }

    /// Fetches the document.
    ///
    /// - Returns: The body of the 2xx response.
    /// - Throws: ``JWKSError`` with ``JWKSError/Code/fetchFailed`` for a connection failure, a non-2xx status, a body
    ///   over the size cap, a fetch that outlasts the timeout, or a redirect to another origin; `CancellationError`
    ///   when the task is cancelled.
    public func fetch() async throws -> [UInt8] {
        do {
            return try await withDeadline(ContinuousClock.now + timeout) {
                try await followingRedirects(deadline: .now() + TimeAmount(timeout))
            }
        } catch let error as JWKSError {
            throw error
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            throw JWKSError(.fetchFailed, reason: "GET \(origin) failed: \(error)")
        }
    }

    private func followingRedirects(deadline: NIODeadline) async throws -> [UInt8] {
        var current = url
        var redirects = 0
        while true {
            var request = HTTPClientRequest(url: current)
            request.method = .GET
            request.headers.add(name: "accept", value: "application/json")
            let response = try await httpClient.execute(request, deadline: deadline)
            for hop in response.history {
                guard let hopURL = URL(string: hop.request.url), Self.origin(of: hopURL) == origin else {
                    throw JWKSError(.fetchFailed, reason: "refused a redirect from \(origin) to another origin")
                }
            }
            let status = response.status.code
            switch status {
            case 200..<300:
                do {
                    let body = try await response.body.collect(upTo: maximumBytes)
                    return Array(body.readableBytesView)
                } catch is NIOTooManyBytesError {
                    throw JWKSError(
                        .fetchFailed, reason: "the JWKS from \(origin) is larger than \(maximumBytes) bytes")
                }
            case let status where Self.redirectStatuses.contains(status):
                guard redirects < Self.maximumRedirects else {
                    throw JWKSError(.fetchFailed, reason: "more than \(Self.maximumRedirects) redirects from \(origin)")
                }
                guard let location = response.headers.first(name: "location"),
                    let base = URL(string: current),
                    let target = URL(string: location.trimmingCharacters(in: .whitespaces), relativeTo: base)?
                        .absoluteURL,
                    target.user == nil, target.password == nil,
                    Self.origin(of: target) == origin
                else {
                    throw JWKSError(.fetchFailed, reason: "refused a redirect from \(origin) to another origin")
                }
                redirects += 1
                current = target.absoluteString
            default:
                throw JWKSError(.fetchFailed, reason: "GET \(origin) answered HTTP \(status)")
            }
        }
    }

    /// Runs `operation` until `deadline`, then cancels it.
    ///
    /// AsyncHTTPClient's own deadline stops applying once the response head has arrived; racing the whole exchange
    /// against a sleep bounds a slow body too.
    private func withDeadline(
        _ deadline: ContinuousClock.Instant, _ operation: @escaping @Sendable () async throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard case .some(.some(let body)) = try await group.next() else {
                throw JWKSError(
                    .fetchFailed, reason: "GET \(origin) took longer than \(timeout.timeInterval) s (the timeout)")
            }
            return body
        }
    }

    /// `scheme://host:port`, lower-cased with the default port written out; `nil` unless `http`/`https` with a host.
    private static func origin(of url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host?.lowercased(), !host.isEmpty
        else { return nil }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)"
    }
}
