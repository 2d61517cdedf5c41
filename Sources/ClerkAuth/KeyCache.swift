// The verifier's signing keys: loaded from the JWKS, cached, refreshed lazily with single-flight and a rate limit.
import Foundation
import Logging
import Synchronization
import _CryptoExtras

/// Holds the current key set and refreshes it from the JWKS.
///
/// There is no background task: a refresh happens inside the call that needs it.
/// - When the set is older than the cache lifetime, the next lookup refreshes it first (other callers whose key is
///   cached keep using it meanwhile).
/// - When a `kid` is unknown, the lookup refreshes once and looks again.
/// - At most one refresh runs at a time (single-flight): callers with an unknown `kid` that arrive during a refresh
///   wait for it and share its result instead of fetching again.
/// - Refreshes start at most once per minimum refresh interval, measured from the start of the previous attempt,
///   so a burst of tokens with invented `kid`s costs one fetch.
/// - A failed refresh keeps the last good set and records the failure; a successful one replaces the set (a key the
///   issuer no longer publishes stops being accepted) and clears the failure.
/// - A refresh runs in the task of the caller that started it, so cancelling that caller fails the refresh (the
///   previous keys stay, the waiters wake up and look again); a cancelled waiter stops waiting at once. Waiting is
///   bounded by the fetch closure, which should have a timeout (``JWKSHTTPFetcher`` does).
final class KeyCache: Sendable {
    /// The outcome of a lookup.
    enum Lookup {
        /// The key with the requested `kid`.
        case found(_RSA.Signing.PublicKey)
        /// The set holds keys, but none with this `kid`.
        case unknown
        /// The set is empty: no fetch has succeeded yet.
        case unavailable
    }

    private struct State {
        var keys: [String: _RSA.Signing.PublicKey] = [:]
        var lastRefresh: Date?
        var lastAttempt: Date?
        var lastFailure: String?
        var isRefreshing = false
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private enum Step {
        case use(_RSA.Signing.PublicKey)
        case refreshThenLookUp
        case waitThenLookUp
        case give(Lookup)
    }

    private let state = Mutex(State())
    private let fetchJWKS: @Sendable () async throws -> [UInt8]
    private let now: @Sendable () -> Date
    private let cacheLifetime: TimeInterval
    private let minimumRefreshInterval: TimeInterval
    private let logger: Logger

    init(
        cacheLifetime: Duration, minimumRefreshInterval: Duration,
        fetchJWKS: @escaping @Sendable () async throws -> [UInt8], now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.cacheLifetime = cacheLifetime.timeInterval
        self.minimumRefreshInterval = minimumRefreshInterval.timeInterval
        self.fetchJWKS = fetchJWKS
        self.now = now
        self.logger = logger
    }

    /// Loads the key set now, regardless of the rate limit.
    ///
    /// - Throws: ``JWKSError`` when the fetch fails or yields no usable key (and no earlier load succeeded).
    func load() async throws(JWKSError) {
        let isLeader = state.withLock { state in
            guard !state.isRefreshing else { return false }
            state.isRefreshing = true
            state.lastAttempt = now()
            return true
        }
        if isLeader {
            if let failure = await refresh() { throw failure }
            return
        }
        await waitForRefresh()
        let failure: JWKSError? = state.withLock { state in
            guard state.keys.isEmpty else { return nil }
            return JWKSError(.fetchFailed, reason: state.lastFailure ?? "the JWKS could not be loaded")
        }
        if let failure { throw failure }
    }

    /// Returns the key with `kid`, refreshing the set first when it is stale or does not hold `kid`.
    ///
    /// - Parameter kid: The token header's `kid`.
    /// - Returns: The key, or why there is none.
    func key(for kid: String) async -> Lookup {
        let step = state.withLock { state -> Step in
            let currentTime = now()
            let isStale = state.lastRefresh.map { currentTime.timeIntervalSince($0) >= cacheLifetime } ?? true
            let mayRefresh =
                !state.isRefreshing
                && (state.lastAttempt.map { currentTime.timeIntervalSince($0) >= minimumRefreshInterval } ?? true)
            if let key = state.keys[kid], !(isStale && mayRefresh) { return .use(key) }
            if mayRefresh {
                state.isRefreshing = true
                state.lastAttempt = currentTime
                return .refreshThenLookUp
            }
            if state.isRefreshing { return .waitThenLookUp }
            return .give(state.keys.isEmpty ? .unavailable : .unknown)
        }
        switch step {
        case .use(let key):
            return .found(key)
        case .give(let lookup):
            return lookup
        case .refreshThenLookUp:
            _ = await refresh()
        case .waitThenLookUp:
            await waitForRefresh()
        }
        return state.withLock { state in
            if let key = state.keys[kid] { return .found(key) }
            return state.keys.isEmpty ? .unavailable : .unknown
        }
    }

    /// The current key ids and refresh outcome.
    func status() -> KeyStatus {
        state.withLock { state in
            KeyStatus(
                keyIDs: state.keys.keys.sorted(), lastRefresh: state.lastRefresh, lastFailure: state.lastFailure)
        }
    }

    /// Fetches and installs a new set; the caller must have set `isRefreshing`. Wakes every waiter at the end.
    private func refresh() async -> JWKSError? {
        let outcome: Result<JSONWebKeySet, JWKSError>
        do {
            let bytes = try await fetchJWKS()
            outcome = .success(try JSONWebKeySet(parsing: bytes))
        } catch let error as JWKSError {
            outcome = .failure(error)
        } catch is CancellationError {
            outcome = .failure(JWKSError(.fetchFailed, reason: "the fetch was cancelled"))
        } catch {
            outcome = .failure(JWKSError(.fetchFailed, reason: String(describing: error)))
        }
        let finishedAt = now()
        let waiters = state.withLock { state in
            switch outcome {
            case .success(let set):
                state.keys = set.keys
                state.lastRefresh = finishedAt
                state.lastFailure = nil
            case .failure(let error):
                state.lastFailure = error.description
            }
            state.isRefreshing = false
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume() }
        switch outcome {
        case .success(let set):
            logger.debug(
                "loaded the JWKS", metadata: ["routiq.auth.keys": "\(set.keys.keys.sorted().joined(separator: ","))"])
            return nil
        case .failure(let error):
            logger.warning(
                "could not load the JWKS; keeping the previous keys",
                metadata: ["routiq.auth.jwks_error": "\(error.code.rawValue)", "routiq.auth.reason": "\(error.reason)"]
            )
            return error
        }
    }

    /// Waits until the refresh in flight (if any) finishes, or the task is cancelled.
    private func waitForRefresh() async {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let isWaiting = state.withLock { state in
                    guard state.isRefreshing, !Task.isCancelled else { return false }
                    state.waiters[id] = continuation
                    return true
                }
                if !isWaiting { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
