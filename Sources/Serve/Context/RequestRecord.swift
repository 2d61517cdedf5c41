import Synchronization

/// Facts about one request learned deep in the chain (its organization, its subject, why it was refused) that the
/// access log and the metrics, which wrap the whole chain, report once the response is known.
public final class RequestRecord: Sendable {
    private struct State {
        var organization: String?
        var subject: String?
        var authenticationFailure: String?
        var rowsReturned: Int?
    }

    private let state = Mutex(State())

    public init() {}

    /// The organization the request was authorized for.
    public var organization: String? {
        get { state.withLock { $0.organization } }
        set { state.withLock { $0.organization = newValue } }
    }

    /// The token's subject (the Clerk user id).
    public var subject: String? {
        get { state.withLock { $0.subject } }
        set { state.withLock { $0.subject = newValue } }
    }

    /// Why authentication failed (a reason code, never token content).
    public var authenticationFailure: String? {
        get { state.withLock { $0.authenticationFailure } }
        set { state.withLock { $0.authenticationFailure = newValue } }
    }

    /// How many rows a list route returned.
    public var rowsReturned: Int? {
        get { state.withLock { $0.rowsReturned } }
        set { state.withLock { $0.rowsReturned = newValue } }
    }
}
