import Pipeline
import Synchronization

/// Thread-safe counters for one source run: pages, requests, retries, rate-limit and budget waits, bytes,
/// records and errors. The runner stores a ``snapshot()`` in the run record.
public final class ExtractMetrics: Sendable {
    /// The counters at one instant.
    public struct Snapshot: Sendable, Hashable, Codable {
        /// Pages handed to the consumer.
        public var pages: Int = 0
        /// HTTP requests sent, including retries.
        public var requests: Int = 0
        /// Requests that were repeated after a retryable failure (5xx, timeout, reset, bad body, 429).
        public var retries: Int = 0
        /// 429 responses received.
        public var rateLimitedResponses: Int = 0
        /// Time spent waiting because an API answered 429, in milliseconds.
        public var rateLimitWaitMilliseconds: Int = 0
        /// Time spent waiting for the proactive request budget, in milliseconds.
        public var budgetWaitMilliseconds: Int = 0
        /// Time spent in backoff sleeps before retries, in milliseconds.
        public var backoffWaitMilliseconds: Int = 0
        /// Response body bytes received.
        public var bytes: Int = 0
        /// Records decoded.
        public var records: Int = 0
        /// Records rejected (quarantined).
        public var rejections: Int = 0
        /// Failed attempts of any kind (each retry follows one; the last one may have ended the resource).
        public var errors: Int = 0
        /// Failed attempts per kind (`server_error`, `timeout`, `transport`, `invalid_body`, `rate_limited`…).
        public var errorsByKind: [String: Int] = [:]

        /// Creates an empty snapshot.
        public init() {}
    }

    private let state = Mutex(Snapshot())

    /// Creates zeroed counters.
    public init() {}

    /// The counters now.
    public func snapshot() -> Snapshot {
        state.withLock { $0 }
    }

    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }

    func recordError(_ kind: String) {
        state.withLock {
            $0.errors += 1
            $0.errorsByKind[kind, default: 0] += 1
        }
    }
}

extension ExtractMetrics {
    /// Counts a page handed to the consumer.
    func count<Record>(_ page: SourcePage<Record>) {
        update {
            $0.pages += 1
            $0.records += page.records.count
            $0.rejections += page.rejections.count
        }
    }
}
