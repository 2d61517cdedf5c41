public import Hummingbird
public import Logging

/// What one API request carries through the middleware chain to its handler.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    /// The request's id: the client's validated `X-Request-Id`, or one generated for it. Set by the outermost
    /// middleware; echoed on every response and in every problem document.
    public var requestID: String

    /// Who and what the request is about, shared with the outer middleware (the access log and the metrics) that
    /// run before authentication has happened.
    public let record: RequestRecord

    /// When the request must be answered by; every database read gives up at this instant with a 503.
    public var deadline: ContinuousClock.Instant

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.record = RequestRecord()
        self.deadline = .now + .seconds(10)
    }

    /// The API takes no request bodies.
    public var maxUploadSize: Int { 0 }
}
