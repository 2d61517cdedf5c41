public import AsyncHTTPClient
public import Foundation
public import Logging
public import Pipeline

/// Reads a Chatwoot account's contacts, conversations and messages through the Application API, following the
/// fact sheet (§B).
///
/// - Auth: `Api-Access-Token: TOKEN`, the dash spelling of `api_access_token` that survives nginx's default of
///   dropping headers with underscores (fact sheet §B.2); Rails reads both the same.
/// - Contacts: 15 per page (fixed). Full reads sort by `created_at` (stable while paging); stop on an empty page
///   or when `page × 15 ≥ meta.count`.
/// - Conversations: `status=all` (the default `open` would drop resolved ones), `assignee_type=all`; full reads
///   sort `created_at_asc`; stop on an empty page or once `data.meta.all_count` conversations arrived.
/// - Messages: newest 20 first, then `before=<smallest id seen>` until an empty page.
/// - Incremental reads (`since` not `nil`): the API cannot filter by time, so contacts are read sorted
///   `-last_activity_at` and conversations `last_activity_at_desc`, stopping at the first record older than
///   `cursor − overlap`; messages are read backwards and stop likewise. Contacts edited without new activity are
///   only picked up by a full run.
/// - Message `content` is dropped here unless `keep_message_content` is set.
public struct ChatwootSource: Sendable {
    /// The resources this source can read, as named in pipeline files.
    public static let resources = ChatwootExtractSettings.resources
    /// Contacts per page; fixed by Chatwoot (`per_page` is ignored).
    public static let contactsPerPage = 15

    let configuration: Configuration
    let accountURL: String
    let client: RESTClient
    let logger: Logger

    /// Creates a source.
    ///
    /// - Parameters:
    ///   - configuration: The account, token and settings.
    ///   - httpClient: The run's HTTP client; the source never shuts it down.
    ///   - metrics: Where requests, retries, waits and records are counted.
    ///   - logger: The logger; the source logs at debug and trace only, never secrets or record values.
    /// - Throws: ``ExtractError`` with ``ExtractError/Code/invalidConfiguration`` for a missing token or e-mail, or a
    ///   base URL (the pipeline's or the stored credential's) that is not `https` (plain `http` only to loopback).
    public init(
        configuration: Configuration, httpClient: HTTPClient, metrics: ExtractMetrics, logger: Logger
    ) throws(ExtractError) {
        guard !configuration.apiAccessToken.isEmpty, configuration.accountID > 0 else {
            throw ExtractError(
                code: .invalidConfiguration, source: .chatwoot, resource: "*",
                organizationID: configuration.organizationID,
                message: "the Chatwoot account id and access token must be set")
        }
        let userAgent = try UserAgent.make(
            product: configuration.userAgentProduct, contactEmail: configuration.http.contactEmail, source: .chatwoot,
            organizationID: configuration.organizationID)
        self.configuration = configuration
        let base = configuration.settings.common.baseURL ?? "https://app.chatwoot.com"
        try BaseURLRule.check(base, source: .chatwoot, organizationID: configuration.organizationID)
        accountURL = URLQuery.url(base, "/api/v1/accounts/\(configuration.accountID)", [])
        var logger = logger
        logger[metadataKey: "routiq.source"] = "chatwoot"
        if let organizationID = configuration.organizationID { logger[metadataKey: "routiq.org"] = "\(organizationID)" }
        self.logger = logger
        let rest = RESTClient.Configuration(
            source: .chatwoot, organizationID: configuration.organizationID,
            headers: [
                ("Api-Access-Token", configuration.apiAccessToken), ("User-Agent", userAgent),
                ("Accept", "application/json"),
            ],
            http: configuration.http,
            unauthorizedHint:
                "Chatwoot refused the access token: it is wrong or revoked, or its user has no access to account "
                + "\(configuration.accountID)",
            jitterSeed: configuration.options.jitterSeed)
        client = RESTClient(
            httpClient: httpClient, configuration: rest,
            budget: configuration.options.budget
                ?? RequestBudget.perMinute(configuration.settings.common.requestsPerMinute, window: .seconds(60)),
            metrics: metrics)
    }

    /// Where a page-number walk is.
    struct PageState: Sendable {
        var page = 1
        var received = 0
        var previousIDs: Set<String> = []
    }

    /// Contacts (the "resolved" ones Chatwoot lists: with an e-mail, phone number or identifier).
    ///
    /// - Parameter cursor: The stored high-water mark (largest `last_activity_at`); `nil` reads everything.
    public func contacts(since cursor: Date?) -> SourcePages<Contact> {
        let threshold = threshold(cursor)
        return SourcePages(initial: PageState()) { state, pageNumber in
            let url = URLQuery.url(
                accountURL, "/contacts",
                [
                    ("page", String(state.page)), ("sort", threshold == nil ? "created_at" : "-last_activity_at"),
                    ("include_contact_inboxes", "false"),
                ])
            let result = try await fetchList(
                ChatwootContactPayload.self, resource: "contacts", url: url, arrayPath: ["payload"],
                countPath: ["meta", "count"], previousIDs: state.previousIDs, pageNumber: pageNumber,
                threshold: threshold)
            client.metrics.count(result.page)
            let isLast =
                result.elementCount == 0 || result.reachedOlder
                || state.page * Self.contactsPerPage >= (result.total ?? .max)
            let next = PageState(page: state.page + 1, received: 0, previousIDs: result.ids)
            return (result.page, isLast ? nil : next)
        }
    }

    /// Conversations of every status (`status=all`).
    ///
    /// - Parameter cursor: The stored high-water mark (largest `last_activity_at`); `nil` reads everything.
    public func conversations(since cursor: Date?) -> SourcePages<Conversation> {
        let threshold = threshold(cursor)
        return SourcePages(initial: PageState()) { state, pageNumber in
            let (page, next) = try await conversationPage(state, threshold: threshold, pageNumber: pageNumber)
            client.metrics.count(page)
            return (page, next)
        }
    }

    /// The messages of one conversation, newest page first (each page ascending, as Chatwoot sends it).
    ///
    /// - Parameters:
    ///   - conversationID: The conversation's display id.
    ///   - cursor: The stored high-water mark; messages created before `cursor − overlap` are not read.
    public func messages(conversationID: String, since cursor: Date?) -> SourcePages<Message> {
        let threshold = threshold(cursor)
        return SourcePages(initial: MessageState.backwards(conversationID)) { state, pageNumber in
            let (page, next) = try await messagePage(state, threshold: threshold, pageNumber: pageNumber)
            if let page { client.metrics.count(page) }
            return (page, next)
        }
    }

    /// The messages of every conversation: walks the conversations like ``conversations(since:)`` and, for each
    /// conversations page, reads the messages of its conversations concurrently (at most `max_concurrent_requests`
    /// in flight), yielding one page per conversations page (at most 25 conversations' messages).
    ///
    /// Use this when the runner does not want to drive ``messages(conversationID:since:)`` itself; it reads the
    /// conversation list a second time.
    ///
    /// - Parameter cursor: The stored high-water mark; only conversations active since `cursor − overlap` are
    ///   visited, and only their messages created since then are read.
    public func messages(since cursor: Date?) -> SourcePages<Message> {
        let threshold = threshold(cursor)
        return SourcePages(initial: PageState()) { state, pageNumber in
            let (conversations, next) = try await conversationPage(state, threshold: threshold, pageNumber: pageNumber)
            let page = try await messagesOf(conversations.records, threshold: threshold, pageNumber: pageNumber)
            client.metrics.count(page)
            return (page, next)
        }
    }

    private func threshold(_ cursor: Date?) -> Date? {
        cursor.map { $0.addingTimeInterval(-configuration.options.overlap.seconds) }
    }
}
