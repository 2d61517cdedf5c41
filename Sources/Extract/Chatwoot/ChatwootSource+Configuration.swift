public import Pipeline

extension ChatwootSource {
    /// What a ``ChatwootSource`` reads and how.
    public struct Configuration: Sendable {
        /// The Chatwoot account id (`/api/v1/accounts/{id}`).
        public var accountID: Int
        /// The user's or bot's access token. Never logged.
        public var apiAccessToken: String
        /// The validated `extract: chatwoot` settings (resources, mode, base URL, budget, keep message content).
        public var settings: ChatwootExtractSettings
        /// The pipeline's `http:` block.
        public var http: HTTPSettings
        /// The RoutIQ organization, named in errors and log metadata.
        public var organizationID: String?
        /// The product name in `User-Agent`; `RoutIQ` by default.
        public var userAgentProduct: String
        /// Rarely changed settings.
        public var options: ExtractOptions

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - accountID: The account id.
        ///   - apiAccessToken: The access token.
        ///   - settings: The extract settings.
        ///   - http: The HTTP settings.
        ///   - organizationID: The organization, for errors and logs.
        ///   - userAgentProduct: The `User-Agent` product name. Defaults to `RoutIQ`.
        ///   - options: Rarely changed settings.
        public init(
            accountID: Int,
            apiAccessToken: String,
            settings: ChatwootExtractSettings = ChatwootExtractSettings(),
            http: HTTPSettings,
            organizationID: String? = nil,
            userAgentProduct: String = "RoutIQ",
            options: ExtractOptions = ExtractOptions()
        ) {
            self.accountID = accountID
            self.apiAccessToken = apiAccessToken
            self.settings = settings
            self.http = http
            self.organizationID = organizationID
            self.userAgentProduct = userAgentProduct
            self.options = options
        }
    }
}
