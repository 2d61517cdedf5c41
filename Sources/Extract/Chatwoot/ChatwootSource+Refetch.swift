public import Pipeline

extension ChatwootSource {
    /// Contacts re-read one by one by id (`GET /contacts/{id}`, the contact under `payload`), for records an earlier
    /// run quarantined.
    ///
    /// - Parameter ids: Chatwoot contact ids; anything that is not a decimal id is skipped.
    public func contacts(ids: [String]) -> SourcePages<Contact> {
        refetcher("contacts", recordPath: ["payload"]).pages(ChatwootContactPayload.self, ids: ids)
    }

    /// Conversations re-read one by one by display id (`GET /conversations/{display_id}`).
    public func conversations(ids: [String]) -> SourcePages<Conversation> {
        refetcher("conversations", recordPath: []).pages(ChatwootConversationPayload.self, ids: ids)
    }

    private func refetcher(_ resource: String, recordPath: [String]) -> RecordRefetcher {
        let account = accountURL
        return RecordRefetcher(
            source: .chatwoot, resource: resource, client: client, logger: logger,
            url: { URLQuery.url(account, "/\(resource)/\($0)", []) }, recordPath: recordPath,
            isValidID: RecordRefetcher.isNumericID)
    }
}
