public import Pipeline

extension ClerkSource {
    /// What a ``ClerkSource`` reads and how.
    public struct Configuration: Sendable {
        /// The instance's secret key (`sk_live_…`/`sk_test_…`). Never logged.
        public var secretKey: String
        /// The validated `extract: clerk` settings.
        public var settings: ClerkExtractSettings
        /// The pipeline's `http:` block.
        public var http: HTTPSettings
        /// The RoutIQ organization, named in errors and log metadata (Clerk lists are instance-wide).
        public var organizationID: String?
        /// The product name in `User-Agent`; `RoutIQ` by default.
        public var userAgentProduct: String
        /// The `Clerk-API-Version` sent with every request; `2025-11-10` (the fact sheet's spec) by default.
        public var apiVersion: String
        /// Records per request, 1–500; 500 by default.
        public var pageSize: Int
        /// Rarely changed settings.
        public var options: ExtractOptions

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - secretKey: The secret key.
        ///   - settings: The extract settings.
        ///   - http: The HTTP settings.
        ///   - organizationID: The organization, for errors and logs.
        ///   - userAgentProduct: The `User-Agent` product name. Defaults to `RoutIQ`.
        ///   - apiVersion: The pinned API version. Defaults to `2025-11-10`.
        ///   - pageSize: Records per request. Defaults to 500.
        ///   - options: Rarely changed settings.
        public init(
            secretKey: String,
            settings: ClerkExtractSettings = ClerkExtractSettings(),
            http: HTTPSettings,
            organizationID: String? = nil,
            userAgentProduct: String = "RoutIQ",
            apiVersion: String = "2025-11-10",
            pageSize: Int = 500,
            options: ExtractOptions = ExtractOptions()
        ) {
            self.secretKey = secretKey
            self.settings = settings
            self.http = http
            self.organizationID = organizationID
            self.userAgentProduct = userAgentProduct
            self.apiVersion = apiVersion
            self.pageSize = pageSize
            self.options = options
        }
    }
}
