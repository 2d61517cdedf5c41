import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Pipeline

/// Sends the GET requests of one source: waits for the credential's ``RequestBudget``, caps requests in flight,
/// retries what is worth retrying with full-jitter backoff, honours 429 reset headers, reads the whole body inside
/// the call (with a size cap) and counts everything in ``ExtractMetrics``.
///
/// Retried: 5xx, timeouts, connection failures and resets, and 2xx bodies that are not the expected JSON
/// (truncated). Never retried: 401, 403, 404, 422 and other 4xx. A 429 waits as the API says and does not use up
/// an attempt, but too many 429s or a wait longer than ``Configuration/maxRateLimitWait`` gives up.
struct RESTClient: Sendable {
    struct Configuration: Sendable {
        var source: SourceKind
        var organizationID: String?
        /// Sent with every request (authorization, `User-Agent`, `Accept`).
        var headers: [(name: String, value: String)]
        var timeout: Duration
        var maxAttempts: Int
        var backoff: BackoffPolicy
        var maxConcurrentRequests: Int
        /// The largest body read; larger bodies are an ``ExtractError/Code/invalidResponse``.
        var maxBodyBytes: Int = 64 << 20
        /// The longest single wait a 429 may ask for before we give up.
        var maxRateLimitWait: Duration = .seconds(15 * 60)
        /// How many 429s one request may receive before we give up.
        var maxRateLimitedResponses: Int = 30
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
            self.unauthorizedHint = unauthorizedHint
            self.jitterSeed = jitterSeed
        }
    }

    /// A response worth another attempt.
    private struct RetryableFailure: Error {
        var kind: String
        var code: ExtractError.Code
        var statusCode: Int?
        var underlying: (any Error)?
    }

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
        while true {
            attempt += 1
            let failure: RetryableFailure
            do {
                let (status, headers, body) = try await send(url, resource: resource, logger: logger)
                switch status {
                case 200..<300:
                    do {
                        return try parse(body)
                    } catch {
                        failure = RetryableFailure(
                            kind: "invalid_body", code: .invalidResponse, statusCode: status, underlying: error)
                    }
                case 429:
                    rateLimited += 1
                    attempt -= 1
                    try await waitAfterRateLimit(
                        headers: headers, count: rateLimited, resource: resource, attempts: attempt + 1, logger: logger)
                    continue
                case 500..<600:
                    failure = RetryableFailure(kind: "server_error", code: .serverError, statusCode: status)
                default:
                    metrics.recordError("http_\(status)")
                    throw clientError(status: status, resource: resource, attempts: attempt)
                }
            } catch let error as ExtractError {
                throw error
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

    private func send(
        _ url: String, resource: String, logger: Logger
    ) async throws -> (status: Int, headers: [String: String], body: [UInt8]) {
        if let budget {
            let waited = try await budget.acquire()
            if waited > .zero { metrics.update { $0.budgetWaitMilliseconds += waited.milliseconds } }
        }
        return try await limiter.withPermit {
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            for header in configuration.headers { request.headers.add(name: header.name, value: header.value) }
            metrics.update { $0.requests += 1 }
            let timeout = TimeAmount.nanoseconds(
                Int64(configuration.timeout.components.seconds) * 1_000_000_000
                    + configuration.timeout.components.attoseconds / 1_000_000_000)
            let response = try await httpClient.execute(request, timeout: timeout, logger: logger)
            let buffer: ByteBuffer
            do {
                buffer = try await response.body.collect(upTo: configuration.maxBodyBytes)
            } catch is NIOTooManyBytesError {
                throw ExtractError(
                    code: .invalidResponse, source: configuration.source, resource: resource,
                    organizationID: configuration.organizationID, statusCode: Int(response.status.code), attempts: 1,
                    message: "response body larger than \(configuration.maxBodyBytes) bytes")
            }
            let body = Array(buffer.readableBytesView)
            metrics.update { $0.bytes += body.count }
            var headers: [String: String] = [:]
            for name in ["x-ratelimit-reset", "retry-after"] {
                if let value = response.headers.first(name: name) { headers[name] = value }
            }
            logger.trace(
                "response",
                metadata: [
                    "routiq.resource": "\(resource)", "routiq.status": "\(response.status.code)",
                    "routiq.bytes": "\(body.count)",
                ])
            return (Int(response.status.code), headers, body)
        }
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
            throw rateLimitedTooLong(
                resource, attempts: attempts,
                "the API asked to wait longer than the allowed \(configuration.maxRateLimitWait.milliseconds / 1000) s")
        case .delay(let wait):
            delay = wait
        case .unspecified:
            delay = configuration.backoff.delay(
                forRetry: min(count, 20), fraction: 0.5 + jitter.nextFraction() / 2)
        }
        guard count <= configuration.maxRateLimitedResponses else {
            throw rateLimitedTooLong(resource, attempts: attempts, "still rate limited after \(count - 1) waits")
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

    private func rateLimitedTooLong(_ resource: String, attempts: Int, _ message: String) -> ExtractError {
        ExtractError(
            code: .rateLimitedTooLong, source: configuration.source, resource: resource,
            organizationID: configuration.organizationID, statusCode: 429, attempts: attempts, message: message)
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
