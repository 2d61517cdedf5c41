/// The injectable fault kinds.
public enum FaultKind: String, Codable, Sendable, CaseIterable {
    /// A storm of 429 responses with the API's rate-limit headers.
    case rateLimited = "429"
    /// HTTP 500.
    case internalServerError = "500"
    /// HTTP 502 with an HTML proxy body.
    case badGateway = "502"
    /// HTTP 503 with an HTML proxy body.
    case serviceUnavailable = "503"
    /// The response is delayed.
    case slow
    /// The connection is closed after part of the body was sent.
    case reset
    /// The status and headers are sent at once, then the body one byte every `delay_ms` (default 1,000): a server
    /// that never finishes a response, which only a whole-request deadline ends.
    case trickle
    /// A 200 whose JSON body is cut short (with a matching `Content-Length`).
    case truncate
    /// A Cliniko list page (page 2 or later) that repeats the previous page's last record first.
    case duplicate
    /// After a Cliniko list page is served, the first record of the next page is changed (`updated_at` bumped).
    case change
    /// A Cliniko list page whose first record is malformed (`created_at` is not a timestamp), as a buggy upstream
    /// might serve it; the rest of the page is intact.
    case corrupt
    /// A Cliniko list page whose first record is stamped far in the future (`updated_at` 2099-01-01), as a
    /// clock-skewed upstream might send it; the record itself is valid.
    case future
    /// A Cliniko list page whose first record holds a value PostgreSQL cannot store, though the JSON is valid: a
    /// birth date of 30 February, a NUL character in a name, year 0000, an integer above 2³¹, a 2,000-byte e-mail
    /// address (which one depends on the record). Its show endpoint still serves the clean record.
    case hostile
    /// After a Cliniko patient list page is served, its first patient is deleted (lists no longer show it), as if
    /// removed between two fetches: a client paging by page number then skips the record that moves up.
    case delete
}
