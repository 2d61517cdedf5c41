// Tokens whose signature and claims were already checked, so a dashboard polling with one session token costs one
// RSA verification and one JSON parse per token, not per request.
import Foundation
import Synchronization

/// Remembers verified tokens until they expire.
///
/// A hit still re-checks what can change after verification: the clock (`exp` and `nbf`, with the leeway) and the
/// signing key (the hit counts only while the key set still holds the token's `kid`, so a key the issuer stops
/// publishing also stops its cached tokens). Claims are fixed by the signature, so they need no re-check.
/// Bounded: when full, expired entries go first, and if none has expired the cache starts over.
final class VerifiedTokenCache: Sendable {
    struct Entry: Sendable {
        let session: VerifiedSession
        let keyID: String
        let notBefore: TimeInterval?
        let expiresAt: TimeInterval
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The entry for `token`, if cached.
    func entry(for token: String) -> Entry? {
        entries.withLock { $0[token] }
    }

    /// Remembers a verified token.
    func insert(_ entry: Entry, for token: String, now: TimeInterval) {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expiresAt > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[token] = entry
        }
    }

    /// Forgets `token` (it failed a re-check).
    func remove(_ token: String) {
        _ = entries.withLock { $0.removeValue(forKey: token) }
    }
}
