public import AsyncHTTPClient

extension HTTPClient.Configuration {
    /// The configuration of an HTTP client for the extract sources: AsyncHTTPClient's ``singletonConfiguration``
    /// (what ``AsyncHTTPClient/HTTPClient/shared`` uses) with automatic redirects turned off.
    ///
    /// The sources follow a redirect themselves, and only within the same origin and never from `https` to `http`:
    /// their requests carry API credentials, and AsyncHTTPClient would forward every header but `Authorization`,
    /// `Cookie` and `Origin` (so Chatwoot's `Api-Access-Token` too) to whatever origin a redirect names.
    ///
    /// Use it for a client scoped to a run:
    ///
    /// ```swift
    /// try await HTTPClient.withHTTPClient(configuration: .extract) { httpClient in
    ///     let source = try ClinikoSource(configuration: configuration, httpClient: httpClient, …)
    /// }
    /// ```
    public static var extract: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}

extension HTTPClient {
    /// A process-wide HTTP client for the extract sources, configured with
    /// ``AsyncHTTPClient/HTTPClient/Configuration/extract`` (no automatic redirects).
    ///
    /// Like ``AsyncHTTPClient/HTTPClient/shared`` it lives as long as the process and is never shut down. Pass it,
    /// or a client of your own with that configuration, to ``ClinikoSource``, ``ChatwootSource`` and
    /// ``ClerkSource``.
    ///
    /// - Important: Do not pass ``AsyncHTTPClient/HTTPClient/shared``: it follows redirects by itself, before a
    ///   source can refuse them. A source that finds a redirect was followed fails the request with
    ///   ``ExtractError/Code/redirectRefused``, but by then the other origin has seen the request.
    public static let sharedForExtract = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .extract)
}
