extension SandboxServer.Configuration {
    /// Rarely changed behaviour switches.
    public struct Options: Sendable, Equatable {
        /// Behave like Chatwoot behind a default nginx, which drops headers containing underscores: the
        /// `api_access_token` header is ignored (only `Api-Access-Token` authenticates). Default `false`.
        public var chatwootDropsUnderscoreHeaders: Bool
        /// Reject Cliniko requests whose `User-Agent` lacks a contact e-mail with 403. Default `true`.
        public var clinikoRequiresUserAgentEmail: Bool
        /// The wait, in seconds, that injected `429` faults announce (`X-RateLimit-Reset` / `Retry-After`); the API's
        /// own rate-limit window (60 s Cliniko, 10 s Clerk) when `nil`, the default. Tests shorten it.
        public var injectedRateLimitResetSeconds: Double?
        /// How patients' visits are generated: ``VisitMode/catalog`` (the default) or ``VisitMode/bgnbd``.
        public var visits: VisitMode

        /// Creates options; the defaults are the documented ones.
        public init(
            chatwootDropsUnderscoreHeaders: Bool = false,
            clinikoRequiresUserAgentEmail: Bool = true,
            injectedRateLimitResetSeconds: Double? = nil,
            visits: VisitMode = .catalog
        ) {
            self.visits = visits
            self.chatwootDropsUnderscoreHeaders = chatwootDropsUnderscoreHeaders
            self.clinikoRequiresUserAgentEmail = clinikoRequiresUserAgentEmail
            self.injectedRateLimitResetSeconds = injectedRateLimitResetSeconds
        }
    }

    /// How the sandbox generates patients' visits.
    public enum VisitMode: String, Sendable, Hashable, CaseIterable {
        /// The catalog's mix: 40 % one visit, the rest 2–48 visits 1–4 weeks apart.
        case catalog
        /// The generative mode: Poisson visits and drop-out after a repeat visit as the BG/NBD model assumes, with
        /// parameters per clinic from the seed (``VisitProcess/clinic(seed:index:)``). Days advanced with time
        /// travel add patients and bookings the catalog's way.
        case bgnbd
    }
}
