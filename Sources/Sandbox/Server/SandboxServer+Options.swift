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

        /// Creates options; the defaults are the documented ones.
        public init(
            chatwootDropsUnderscoreHeaders: Bool = false,
            clinikoRequiresUserAgentEmail: Bool = true,
            injectedRateLimitResetSeconds: Double? = nil
        ) {
            self.chatwootDropsUnderscoreHeaders = chatwootDropsUnderscoreHeaders
            self.clinikoRequiresUserAgentEmail = clinikoRequiresUserAgentEmail
            self.injectedRateLimitResetSeconds = injectedRateLimitResetSeconds
        }
    }
}
