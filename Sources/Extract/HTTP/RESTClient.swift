import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Pipeline

/// Sends the GET requests of one source: waits for the credential's ``RequestBudget``, caps requests in flight,
/// retries what is worth retrying with full-jitter backoff, honours 429 reset headers, reads the whole body inside
/// the call (with a size cap and a deadline) and counts everything in ``ExtractMetrics``.
///
/// Retried: 5xx, timeouts, connection failures and resets, and 2xx bodies that are not the expected JSON
/// (truncated). Never retried: 401, 403, 404, 422 and other 4xx, and bodies over the size cap. A 429 waits as the API
/// says and does not use up an attempt, but too many 429s or a wait longer than
/// ``Configuration/maxRateLimitWait`` gives up.
///
/// Each attempt has one deadline, ``Configuration/timeout`` from its start, covering the connection, the response
/// head and the whole body: a server that trickles its body never holds a request longer. Cancelling the calling task
/// ends the request at once.
///
/// Redirects are followed here, never by the `HTTPClient` (see ``AsyncHTTPClient/HTTPClient/Configuration/extract``),
/// and only as ``RedirectPolicy`` allows: same origin, never `https` to `http`, at most
/// ``Configuration/maxRedirects``.
struct RESTClient: Sendable {
    struct Configuration: Sendable {
        var source: SourceKind
        var organizationID: String?
        /// Sent with every request (authorization, `User-Agent`, `Accept`).
        var headers: [(name: String, value: String)]
        /// The deadline of one attempt: connection, response head and the whole body.
        var timeout: Duration
        var maxAttempts: Int
        var backoff: BackoffPolicy
        var maxConcurrentRequests: Int
        /// The largest body read; larger bodies are an ``ExtractError/Code/responseTooLarge``.
        var maxBodyBytes: Int
        /// The longest single wait a 429 may ask for before we give up.
        var maxRateLimitWait: Duration = .seconds(15 * 60)
        /// How many 429s one request may receive before we give up.
        var maxRateLimitedResponses: Int = 30
        /// How many same-origin redirects one request may follow.
        var maxRedirects: Int = 5
        /// The likely cause of a 401, for the error message.
        var unauthorizedHint: String
        /// The seed of the backoff jitter.
        var jitterSeed: UInt64

        init(
            source: SourceKind, organizationID: String?, headers: [(name: String, value: String)], http: HTTPSettings,
            unauthorizedHint: String, jitterSeed: UInt64
        ) {
            self.source = source
            self.organizationID = organizationID
            self.headers = headers
            timeout = .seconds(max(1, http.timeoutSeconds))
            maxAttempts = max(1, http.maxAttempts)
            backoff = BackoffPolicy(
                initial: .milliseconds(max(1, http.initialBackoffMilliseconds)),
                maximum: .milliseconds(max(1, http.maxBackoffMilliseconds)))
            maxConcurrentRequests = max(1, http.maxConcurrentRequests)
            maxBodyBytes = min(max(1, http.maxBodyMebibytes), 1 << 20) << 20
            self.unauthorizedHint = unauthorizedHint
            self.jitterSeed = jitterSeed
        }
    }

    /// One complete response: status, the headers we read, and the whole body.
    struct Exchange: Sendable {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    /// A response worth another attempt.
    private struct RetryableFailure: Error {
        var kind: String
        var code: ExtractError.Code
        var statusCode: Int?
        var underlying: (any Error)?
    }

    /// The attempt's deadline passed before the whole response arrived.
    struct DeadlineExceeded: Error {}

    /// The body grew past ``Configuration/maxBodyBytes``.
    private struct BodyTooLarge: Error {
        var status: Int
    }

    /// The `HTTPClient` followed a redirect by itself (it was not created with `.extract`).
    private struct RedirectFollowedByClient: Error {}

    /// The response headers kept from each exchange.
    private static let keptHeaders = ["x-ratelimit-reset", "retry-after", "location"]

    let httpClient: HTTPClient
    let configuration: Configuration
    let budget: RequestBudget?
    let metrics: ExtractMetrics
    private let limiter: ConcurrencyLimiter
    private let jitter: JitterSource

    init(httpClient: HTTPClient, configuration: Configuration, budget: RequestBudget?, metrics: ExtractMetrics) {
        self.httpClient = httpClient
        self.configuration = configuration
        self.budget = budget
        self.metrics = metrics
        limiter = ConcurrencyLimiter(limit: configuration.maxConcurrentRequests)
        jitter = JitterSource(seed: configuration.jitterSeed)
    }

    /// GETs `url` and parses the body with `parse`, retrying as described on the type.
    ///
    /// - Parameters:
    ///   - url: The absolute URL.
    ///   - resource: The resource name, for errors and logs.
    ///   - logger: The logger (request details at debug level; no secrets are logged).
    ///   - parse: Turns a 2xx body into a value; throwing means the body was not the expected JSON and the request
    ///     is retried.
    /// - Throws: ``ExtractError`` when the request cannot succeed, or `CancellationError`.
    func get<Value>(
        _ url: String, resource: String, logger: Logger, parse: ([UInt8]) throws -> Value
    ) async throws -> Value {
        var attempt = 0
        var rateLimited = 0
        var redirects = 0
        var currentURL = url
        while true {
            attempt += 1
            let failure: RetryableFailure
            do {
                let exchange = try await send(currentURL, resource: resource, logger: logger)
                switch exchange.status {
                case 200..<300:
                    do {
                        return try parse(exchange.body)
                    } catch {
                        failure = RetryableFailure(
                            kind: "invalid_body", code: .invalidResponse, statusCode: exchange.status,
                            underlying: error)
                    }
                case 429:
                    rateLimited += 1
                    attempt -= 1
                    try await waitAfterRateLimit(
                        headers: exchange.headers, count: rateLimited, resource: resource, attempts: attempt + 1,
                        logger: logger)
                    continue
                case let status where RedirectPolicy.redirectStatuses.contains(status):
                    let decision = RedirectPolicy.decide(from: currentURL, location: exchange.headers["location"])
                    guard case .follow(let next) = decision, redirects < configuration.maxRedirects else {
                        metrics.recordError("redirect_refused")
                        var reason = "more than \(configuration.maxRedirects) redirects"
                        if case .refuse(let refusal) = decision { reason = refusal }
                        throw makeError(
                            .redirectRefused, resource, status: status, attempts: attempt, "refused \(reason)")
                    }
                    redirects += 1
                    attempt -= 1
                    currentURL = next
                    logger.debug(
                        "following a same-origin redirect",
                        metadata: ["routiq.resource": "\(resource)", "routiq.status": "\(status)"])
                    continue
                case 500..<600:
                    failure = RetryableFailure(kind: "server_error", code: .serverError, statusCode: exchange.status)
                default:
                    metrics.recordError("http_\(exchange.status)")
                    throw clientError(status: exchange.status, resource: resource, attempts: attempt)
                }
            } catch let error as ExtractError {
                throw error
            } catch let tooLarge as BodyTooLarge {
                metrics.recordError("body_too_large")
                throw makeError(
                    .responseTooLarge, resource, status: tooLarge.status, attempts: attempt,
                    "the response body is larger than \(configuration.maxBodyBytes >> 20) MiB (http.max_body_mib)")
            } catch is RedirectFollowedByClient {
                metrics.recordError("redirect_refused")
                throw makeError(
                    .redirectRefused, resource, status: nil, attempts: attempt,
                    "the HTTP client followed a redirect by itself; give the source a client made with "
                        + "HTTPClient.Configuration.extract (such as HTTPClient.sharedForExtract)")
            } catch {
                if Task.isCancelled || error is CancellationError { throw CancellationError() }
                failure = Self.classify(error)
            }
            metrics.recordError(failure.kind)
            guard attempt < configuration.maxAttempts else {
                throw ExtractError(
                    code: failure.code, source: configuration.source, resource: resource,
                    organizationID: configuration.organizationID, statusCode: failure.statusCode, attempts: attempt,
                    message:
                        "gave up after \(attempt) attempts (\(failure.kind.replacingOccurrences(of: "_", with: " ")))",
                    underlying: failure.underlying)
            }
            let delay = configuration.backoff.delay(forRetry: attempt, fraction: jitter.nextFraction())
            logger.debug(
                "retrying request",
                metadata: [
                    "routiq.resource": "\(resource)", "routiq.attempt": "\(attempt)",
                    "routiq.failure": "\(failure.kind)", "routiq.backoff_ms": "\(delay.milliseconds)",
                ])
            metrics.update {
                $0.retries += 1
                $0.backoffWaitMilliseconds += delay.milliseconds
            }
            try await Task.sleep(for: delay)
        }
    }

    /// One attempt: waits for the budget and a permit, then runs the exchange against its deadline.
    private func send(_ url: String, resource: String, logger: Logger) async throws -> Exchange {
        if let budget {
            let waited = try await budget.acquire()
            if waited > .zero { metrics.update { $0.budgetWaitMilliseconds += waited.milliseconds } }
        }
        return try await limiter.withPermit {
            metrics.update { $0.requests += 1 }
            let exchange = try await withDeadline(ContinuousClock.now + configuration.timeout) {
                try await perform(url, deadline: .now() + TimeAmount(configuration.timeout), logger: logger)
            }
            metrics.update { $0.bytes += exchange.body.count }
            logger.trace(
                "response",
                metadata: [
                    "routiq.resource": "\(resource)", "routiq.status": "\(exchange.status)",
                    "routiq.bytes": "\(exchange.body.count)",
                ])
            return exchange
        }
    }

    /// Runs `operation` until `deadline`, then cancels it and throws ``DeadlineExceeded``.
    ///
    /// AsyncHTTPClient's own deadline stops applying once the response head arrived; racing the whole exchange
    /// against a sleep in a task group bounds the body too. Cancelling the body's read makes AsyncHTTPClient close the
    /// connection, so the operation ends promptly.
    private func withDeadline(
        _ deadline: ContinuousClock.Instant, _ operation: @escaping @Sendable () async throws -> Exchange
    ) async throws -> Exchange {
        try await withThrowingTaskGroup(of: Exchange?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard case .some(.some(let exchange)) = try await group.next() else { throw DeadlineExceeded() }
            return exchange
        }
    }

    /// Sends the request and reads the whole body (up to the cap).
    private func perform(_ url: String, deadline: NIODeadline, logger: Logger) async throws -> Exchange {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        for header in configuration.headers { request.headers.add(name: header.name, value: header.value) }
        let response = try await httpClient.execute(request, deadline: deadline, logger: logger)
        guard response.history.count <= 1 else { throw RedirectFollowedByClient() }
        let status = Int(response.status.code)
        let buffer: ByteBuffer
        do {
            buffer = try await response.body.collect(upTo: configuration.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw BodyTooLarge(status: status)
        }
        var headers: [String: String] = [:]
        for name in Self.keptHeaders {
            if let value = response.headers.first(name: name) { headers[name] = value }
        }
        return Exchange(status: status, headers: headers, body: Array(buffer.readableBytesView))
    }

    private func makeError(
        _ code: ExtractError.Code, _ resource: String, status: Int?, attempts: Int, _ message: String
    ) -> ExtractError {
        ExtractError(
            code: code, source: configuration.source, resource: resource,
            organizationID: configuration.organizationID, statusCode: status, attempts: attempts, message: message)
    }

    private func waitAfterRateLimit(
        headers: [String: String], count: Int, resource: String, attempts: Int, logger: Logger
    ) async throws {
        metrics.update { $0.rateLimitedResponses += 1 }
        metrics.recordError("rate_limited")
        let asked = RateLimitHeaders.wait(
            rateLimitReset: headers["x-ratelimit-reset"], retryAfter: headers["retry-after"], now: Date(),
            maximum: configuration.maxRateLimitWait)
        let delay: Duration
        switch asked {
        case .longerThanAllowed:
            throw makeError(
                .rateLimitedTooLong, resource, status: 429, attempts: attempts,
                "the API asked to wait longer than the allowed \(configuration.maxRateLimitWait.milliseconds / 1000) s")
        case .delay(let wait):
            delay = wait
        case .unspecified:
            delay = configuration.backoff.delay(
                forRetry: min(count, 20), fraction: 0.5 + jitter.nextFraction() / 2)
        }
        guard count <= configuration.maxRateLimitedResponses else {
            throw makeError(
                .rateLimitedTooLong, resource, status: 429, attempts: attempts,
                "still rate limited after \(count - 1) waits")
        }
        logger.debug(
            "rate limited; waiting",
            metadata: [
                "routiq.resource": "\(resource)", "routiq.wait_ms": "\(delay.milliseconds)",
                "routiq.from_header": "\(asked != .unspecified)",
            ])
        budget?.pause(for: delay)
        metrics.update {
            $0.retries += 1
            $0.rateLimitWaitMilliseconds += delay.milliseconds
        }
        try await Task.sleep(for: delay)
    }

    private func clientError(status: Int, resource: String, attempts: Int) -> ExtractError {
        let (code, message): (ExtractError.Code, String) =
            switch status {
            case 401: (.unauthorized, configuration.unauthorizedHint)
            case 403:
                (.forbidden, "the credential's user is not allowed to read this resource, or the request was blocked")
            case 404: (.notFound, "the endpoint or account does not exist (check the base URL and account id)")
            case 400..<500: (.clientError, "the API rejected the request")
            default: (.invalidResponse, "unexpected HTTP status")
            }
        return ExtractError(
            code: code, source: configuration.source, resource: resource, organizationID: configuration.organizationID,
            statusCode: status, attempts: attempts, message: message)
    }

    private static func classify(_ error: any Error) -> RetryableFailure {
        if error is DeadlineExceeded {
            return RetryableFailure(kind: "timeout", code: .timeout, underlying: error)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                return RetryableFailure(kind: "timeout", code: .timeout, underlying: error)
            default:
                break
            }
        }
        return RetryableFailure(kind: "transport", code: .transport, underlying: error)
    }
}
