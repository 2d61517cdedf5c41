// An in-process JWKS source for the verifier's fetch closure: swappable document, failure switch, fetch counter.
import Synchronization

/// Serves a JWKS document to a verifier and counts the fetches.
final class FakeJWKSEndpoint: Sendable {
    /// Thrown by ``fetch()`` while the endpoint is down.
    struct Unreachable: Error {}

    private struct State {
        var document: [UInt8]
        var isDown = false
        var fetches = 0
        var gate: CheckedContinuation<Void, Never>?
        var isGated = false
    }

    private let state: Mutex<State>

    init(_ document: [UInt8]) {
        state = Mutex(State(document: document))
    }

    convenience init(keys: [TestKey] = [TestKeys.primary]) {
        self.init(TestKeys.jwks(keys))
    }

    /// How many fetches started.
    var fetches: Int { state.withLock { $0.fetches } }

    /// Replaces the document served.
    func serve(_ document: [UInt8]) {
        state.withLock { $0.document = document }
    }

    /// Replaces the document with one holding `keys`.
    func serve(keys: [TestKey]) {
        serve(TestKeys.jwks(keys))
    }

    /// Makes fetches fail (`true`) or succeed again (`false`).
    func setDown(_ isDown: Bool) {
        state.withLock { $0.isDown = isDown }
    }

    /// Makes the next fetch wait until ``openGate()``, so tests can pile callers up behind a refresh.
    func closeGate() {
        state.withLock { $0.isGated = true }
    }

    /// Whether a fetch is currently waiting at the gate.
    var isFetchWaitingAtGate: Bool { state.withLock { $0.gate != nil } }

    /// Lets the waiting fetch (if any) finish, and lets later fetches through.
    func openGate() {
        let gate = state.withLock { state in
            state.isGated = false
            defer { state.gate = nil }
            return state.gate
        }
        gate?.resume()
    }

    /// The verifier's `fetchJWKS` closure.
    func fetch() async throws -> [UInt8] {
        let isGated = state.withLock { state in
            state.fetches += 1
            return state.isGated
        }
        if isGated {
            await withCheckedContinuation { continuation in
                let isOpen = state.withLock { state in
                    guard state.isGated else { return true }
                    state.gate = continuation
                    return false
                }
                if isOpen { continuation.resume() }
            }
        }
        return try state.withLock { state in
            if state.isDown { throw Unreachable() }
            return state.document
        }
    }
}
