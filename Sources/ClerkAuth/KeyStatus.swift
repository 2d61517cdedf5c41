// A snapshot of the verifier's signing keys, for readiness checks and diagnostics.
public import Foundation

/// The signing keys a ``SessionTokenVerifier`` holds and how the last JWKS refresh went.
public struct KeyStatus: Sendable {
    /// The `kid`s of the usable keys, sorted.
    public let keyIDs: [String]
    /// When the key set was last loaded successfully (by the verifier's clock); `nil` before the first success.
    public let lastRefresh: Date?
    /// Why the most recent refresh failed, as ``JWKSError/description``; `nil` when it succeeded or none was tried.
    public let lastFailure: String?

    /// Creates a status.
    ///
    /// - Parameters:
    ///   - keyIDs: The `kid`s of the usable keys.
    ///   - lastRefresh: The last successful load.
    ///   - lastFailure: Why the most recent refresh failed, if it did.
    public init(keyIDs: [String], lastRefresh: Date?, lastFailure: String?) {
        self.keyIDs = keyIDs
        self.lastRefresh = lastRefresh
        self.lastFailure = lastFailure
    }
}
