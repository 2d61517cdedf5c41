/// Per-API request limits. Defaults follow the fact sheet: Cliniko 200 per rolling minute per key,
/// Clerk 100 per 10 s per secret key (development instance), Chatwoot off (localhost is allow-listed by
/// Rack::Attack).
public struct RateLimits: Sendable, Equatable, Codable {
    /// A limit of `requests` per rolling `seconds`.
    public struct Limit: Sendable, Equatable, Codable {
        /// Requests allowed in the window.
        public var requests: Int
        /// Window length in seconds.
        public var seconds: Int

        /// Creates a limit.
        public init(requests: Int, seconds: Int) {
            self.requests = requests
            self.seconds = seconds
        }
    }

    /// Cliniko, per API key. Default 200 per 60 s.
    public var cliniko: Limit?
    /// Chatwoot, per access token. Default off.
    public var chatwoot: Limit?
    /// Clerk Backend API, per secret key. Default 100 per 10 s.
    public var clerk: Limit?

    /// Creates limits; the defaults are the documented ones.
    public init(
        cliniko: Limit? = Limit(requests: 200, seconds: 60),
        chatwoot: Limit? = nil,
        clerk: Limit? = Limit(requests: 100, seconds: 10)
    ) {
        self.cliniko = cliniko
        self.chatwoot = chatwoot
        self.clerk = clerk
    }

    /// No limits at all (for benchmarks).
    public static let unlimited = RateLimits(cliniko: nil, chatwoot: nil, clerk: nil)

    /// Applies `--rate-limit` overrides: `off`, or items `API=N/SECONDS` or `API=off`
    /// (e.g. `cliniko=20/60,clerk=off`).
    ///
    /// - Throws: ``FaultSpec/ParseError`` naming the bad item.
    public mutating func apply(overrides text: String) throws(FaultSpec.ParseError) {
        if text == "off" {
            self = .unlimited
            return
        }
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=")
            guard parts.count == 2 else { throw FaultSpec.ParseError(item: String(item)) }
            var limit: Limit?
            if parts[1] != "off" {
                let numbers = parts[1].split(separator: "/").compactMap { Int($0) }
                guard numbers.count == 2, numbers[0] > 0, numbers[1] > 0 else {
                    throw FaultSpec.ParseError(item: String(item))
                }
                limit = Limit(requests: numbers[0], seconds: numbers[1])
            }
            switch parts[0] {
            case "cliniko": cliniko = limit
            case "chatwoot": chatwoot = limit
            case "clerk": clerk = limit
            default: throw FaultSpec.ParseError(item: String(item))
            }
        }
    }
}
