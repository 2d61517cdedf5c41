public import Pipeline

extension ClinikoSource {
    /// What a ``ClinikoSource`` reads and how.
    public struct Configuration: Sendable {
        /// The API key, with or without its `-shard` suffix. Never logged.
        public var apiKey: String
        /// The validated `extract: cliniko` settings (resources, mode, base URL override, budget, page size,
        /// overlap).
        public var settings: ClinikoExtractSettings
        /// The pipeline's `http:` block (timeouts, attempts, backoff, concurrency, contact e-mail).
        public var http: HTTPSettings
        /// The RoutIQ organization, named in errors and log metadata.
        public var organizationID: String?
        /// The product name in `User-Agent: PRODUCT (EMAIL)`; `RoutIQ` by default.
        public var userAgentProduct: String
        /// Rarely changed settings.
        public var options: ExtractOptions

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - apiKey: The Cliniko API key.
        ///   - settings: The extract settings.
        ///   - http: The HTTP settings.
        ///   - organizationID: The organization, for errors and logs.
        ///   - userAgentProduct: The `User-Agent` product name. Defaults to `RoutIQ`.
        ///   - options: Rarely changed settings. Defaults to ``ExtractOptions/init(budget:jitterSeed:)``.
        public init(
            apiKey: String,
            settings: ClinikoExtractSettings = ClinikoExtractSettings(),
            http: HTTPSettings,
            organizationID: String? = nil,
            userAgentProduct: String = "RoutIQ",
            options: ExtractOptions = ExtractOptions()
        ) {
            self.apiKey = apiKey
            self.settings = settings
            self.http = http
            self.organizationID = organizationID
            self.userAgentProduct = userAgentProduct
            self.options = options
        }
    }
}
